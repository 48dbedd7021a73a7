"""Everything Heard sends: stored first as a message row, then sent by a job.

`messages` stores what to send and enqueues the send after the caller's commit; `delivery` is
the job's side (the senders for each channel, the provider's status callbacks, the resend
sweep); `opt_outs` is who asked for no more; `email_sender` turns a stored email into SMTP.
On top of these: `replies` (staff replying from an item page) and `surveys` (the audit survey
text).

May import `common`, models, the channel adapters and the sending job; nothing else in the
services, so that every package can send. `delivery` never imports `messages`, so the job
can import `delivery` while `messages` imports the job.
"""
