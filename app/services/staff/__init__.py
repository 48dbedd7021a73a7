"""The people who use Heard's staff pages, and the record of what they did.

`accounts` is passwords, two-factor and recovery codes; `admin` is administrators managing
accounts; `sessions` are server-side staff sessions; `sign_in_throttle` slows guessing without
locking anyone out; `enrolment_links` are the one-time two-factor set-up links;
`security_alerts` tells administrators of bursts; `audit_log` is the append-only record every
other package writes to.

May import `common` and `outbound` (for the security alerts); everything else may import
`audit_log`.
"""
