"""Everything Heard receives, through every door, on one write path.

`ingestion.ingest()` is that path: store the message (idempotent on the channel's id), join or
open its thread, commit, then enqueue classification. `receiving` keeps what arrives on disk
(`spool`) while the database is down and replays it; `sms_conversations` and
`email_conversations` are each channel's part in a conversation (which thread a text joins,
keywords, survey scores, the acknowledgement); `public_feedback` is what the public forms need;
`references` makes the reference people quote; `audit_invitations` are the survey links, issued
for closed cases; `recorded` is complaints staff took down from a call, a letter, a visit or an
advocate.

May import `common`, `locks`, `safeguarding.crisis` (the answer to what someone wrote),
`complaints` (who responds and by when), `outbound` (answers and acknowledgements),
`feedback_list.has_live_alert` (no survey link to a safeguarding case), `staff.audit_log` (who
recorded a complaint or issued a link) and the classification and complaint jobs. Nothing else
in the services imports intake but `demo` and `health`.
"""
