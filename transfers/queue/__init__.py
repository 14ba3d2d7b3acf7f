"""The officer's approval queue for the September rush (issue 17): filters and sort over the steps waiting for
the user (filters.py), bulk approval of selected registrations and graduations with its preview (bulk.py),
"approve and next" through the filtered queue (following.py), and their pages (views.py)."""
