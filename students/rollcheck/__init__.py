"""The semester roll reconciliation (学期会审): registered vs. present per class, its discrepancies, the
headteacher's signature and the town office's receipt (services), its page (views, forms), its PDF and the
town's overview (reports, report_views), its audit events and its reminder."""
