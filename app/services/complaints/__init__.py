"""The statutory complaint stages and everything that runs on their clocks.

`regimes` is each nation's rules as data (stages, timescales, caps, windows, report bands),
one chosen by the COMPLAINTS_REGIME setting; `receipt` is the day a complaint's clock starts;
`stages` opens, acknowledges, extends, records and escalates complaint stages under the
regime in force; `deadlines` counts working days in each UK nation's calendar; `reminders` chases
stages and enquiries that fall due; `learning` is the log of what a closed stage taught;
`correspondence` is MP and councillor enquiries, Ombudsman referrals and compliment credits;
`remedies` is what a response put right, what independent people cost, advocacy, and a
request for Stage 2 that did not go ahead.

May import `common`, `locks`, `staff.audit_log`, `classification.themes` and `outbound`;
never `intake`, `safeguarding` or `reports`.
"""
