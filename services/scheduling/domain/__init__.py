"""Scheduling's domain, pure and without I/O. Four kinds of stream, each folded into its own state:
`inspection` (scheduled, joined, rescheduled, cancelled; its `notice` and its `team` are recorded on the
same stream), the `area_calendar` (one inspection at a time), the `inspector_diary` (one inspection at a
time) and the `round` (the areas picked for it). `dates` holds the fieldwork window and the notice date.
A command that spans streams returns the events for each (`inspection.Changes`), and the handler appends
them together or not at all; `inspection`, `area_calendar` and `inspector_diary` each fold by a `decider`."""
