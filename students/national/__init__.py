"""The national system (全国中小学生学籍信息管理系统): its template (columns), the form of its numbers
(numbers), reading its files (reader), onboarding a school's pupils from them (onboarding) and exporting
pupils in its template (export)."""
