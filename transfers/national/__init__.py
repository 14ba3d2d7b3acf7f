"""Exports in the national template (for upload to the national system): sets of pupils chosen by what happened
to them (selectors), the change list of 学籍异动 (changes), and the export page (views)."""
