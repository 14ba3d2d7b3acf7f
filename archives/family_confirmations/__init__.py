"""学籍基础信息确认表 (DOMAIN Semester roll reconciliation: reconciliation practice): each semester every family
checks the pupil's printed record and signs it; the registrar records each return — confirmed as is, or with
corrections that become an information change — and files the signed scan in the pupil's archive. The roll
check shows how many families confirmed, corrected or did not return the form."""
