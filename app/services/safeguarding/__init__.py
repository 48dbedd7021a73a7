"""From a flagged message to a person who acts on it.

`alerts` are the queue's decisions (acknowledge, close, reopen, flag by hand) and who may see a
safeguarding item; `queue` orders the queue as reviewers triage it; `rota` says who is on duty,
how soon an alert must be reviewed, and notifies and escalates; `notifications` says whether a
notification reached anyone; `follow_up` is what happens once an alert is raised; `crisis` is
the help given at once, from what someone wrote, and `help_lines` sends it later to whoever
wrote what only the model flagged; `misses` is the weekly second look at what the
model did not flag.

May import `common`, `feedback_list`, `locks`, `staff.audit_log`, `outbound` and
`complaints.deadlines` (working days for office hours); never `intake` or `classification`.
"""
