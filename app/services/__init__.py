"""Heard's business rules, as plain functions that views, jobs and commands call.

Grouped by what people do with Heard: `intake` (everything received, one write path),
`classification` (the classifier over stored messages, themes and corrections), `safeguarding`
(alerts, the rota, the crisis response, what the model misses), `complaints` (the statutory
stages and their clocks, learning, correspondence), `outbound` (everything Heard sends),
`reports` (the complaints report, trends, equality) and `staff` (accounts, sessions, sign-in
throttling, the audit log). `common` holds what all of them share (the UK clock, ids, spreadsheet
cells, `Refusal`); `feedback_list`, `redaction`, `locks`, `health` and `demo` stand alone.

A service may import models, `app.extensions`, `app.database`, the channel adapters
(`channels`), the classifiers' registry, and the job it enqueues (`app.jobs.*`, at the top of the
file, enqueued after the caller's commit). Never `app.web`. A test fails on any import cycle.
"""
