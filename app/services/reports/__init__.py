"""What the organisation reads and publishes: the complaints report, trends, equality.

`annual` builds the annual and quarterly complaints report for a `periods.Period`, as the typed
rows in `tables`; `export` writes it as a workbook or CSV; `trends` is themes by month and
quarter, spikes and quotes for the learning team; `months` is calendar months as counted in
England, in Python and SQL; `equality` and `equality_questions` are equality monitoring;
`kept` keeps the last build of a report until the data change (create_app sets it up).

May import `common`, `feedback_list`, `redaction`, `staff.audit_log`, `classification.themes`
and `complaints`; nothing imports reports but the web pages and commands.
"""
