"""Reporting's domain: the report lifecycle, pure and without I/O. `lifecycle` decides each step of an
inspection's report (the aggregate, stream `report-{id}`) on its `decisions` (what each step is decided
on); `standing` folds where the report stands from its own events, `steps` holds the rules of each step as
the inspection's programme states them, and `readiness` says from the inspection's events whether the
report is ready for its next step. `names` says agencies and inspectorates as the refusals and the
documents do."""
