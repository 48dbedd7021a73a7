"""The classifier over stored messages, and what staff say back to it.

`pipeline` classifies one stored message (once, whatever the retries), writes its themes and
raises a safeguarding alert when the message is flagged, then enqueues the alert's follow-up;
it also finds messages whose classification was lost. `themes` is the taxonomy's names and the
one function that writes an item's themes; `corrections` are staff correcting them, and
`correction_examples` turns corrections into training examples.

May import `common`, `staff.audit_log`, the classifiers' registry and the alert job; never
`intake` (which enqueues classification) or `outbound`.
"""
