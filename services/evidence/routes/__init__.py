"""Evidence's HTTP routes, one module per resource, each on its own router that services/evidence/api.py
gathers behind the service's access rules: `items` (the inspection and its evidence items), `samples`
(samples and closure), `lines` (lines of enquiry) and `cases` (triangulation, a case, erasure);
`parameters` holds what every route takes besides its body. A command endpoint is parse → command
(commands.py) → `handlers.handle(command, handling)`; a query reads through views.py."""
