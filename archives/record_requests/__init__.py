"""查询申请 (学号办法 八): the record shown to the pupil or a guardian on request with proof of identity (八1),
an internal department's query approved by the registry head first (八2), and the extract printed for them —
every request and print in the archive register and the audit log (八3: no use for other ends)."""
