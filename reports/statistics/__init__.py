"""Statistics as of one chosen day: the figures (figures), their tables and charts (tables), the workbook and
the semester summary PDF (exports), and the pages (views). Counted from the records, never from counters."""
