"""Printing for the archivist: print jobs rendered by a Celery task (services), the bundle's sections
(bundle), and the pages to start a print, follow it and read the print register (views, forms)."""
