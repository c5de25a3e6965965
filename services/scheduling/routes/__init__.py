"""Scheduling's HTTP routes, one module per resource, each on its own router that services/scheduling/api.py
gathers behind the service's access rules: `programmes` (programmes and areas), `rounds`, `inspections`,
`notice` (the notification plan and notifications) and `teams` (the team and the inspectors); `parameters`
holds what every route takes besides its body."""
