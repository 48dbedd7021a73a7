"""Data protection: what Heard keeps, for how long, and what people may ask of it.

`retention` is the schedule (from config) and the daily anonymisation it drives; `holds` are
legal holds that stop it for an item; `subject_access` finds everything held about a person
and builds the export staff review before release; `requests` are erasure and correction on
request, refused with the reason where a safeguarding or legal duty keeps the record.

May import `common`, `locks`, `redaction`, `staff.audit_log`, `staff.sessions`,
`staff.sign_in_throttle` (to delete old sign-in records) and the channel adapters (to read
a phone number as Heard stores it); never `intake`, `classification`, `safeguarding`,
`complaints`, `outbound` or `reports`, whose records it reads and anonymises as plain rows.
"""
