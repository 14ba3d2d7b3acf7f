"""The top layer: figures read from every app below (statistics as of a day, the town's summaries) and the
demo command that builds every app's data. Rule: nothing below imports from here (import-linter)."""
