"""The inspection workspace: the web application the people who run an inspection use, on the GOV.UK
Design System, server-rendered with plain forms.

It is a client of the five services' HTTP APIs, calling them with the signed-in user's own bearer token: it
reads no service's database and writes no event, and every rule stays in the service that owns it (it
reads the event log itself only for live updates and the auditor's pages). A
refusal comes back as the service said it (its rule and paragraph) and is shown as a GOV.UK error summary
above the form, which keeps what was typed.

- app.py: the wiring (templates, static assets, security headers, the routers);
- settings.py: where the services are, the embedded stack's signing key or the identity provider, the
  session secret;
- client.py and models.py: the one typed client of the services' APIs, and what it reads;
- session.py: the signed session cookie and its CSRF token; security.py: the response headers (CSP);
- signin.py and oidc.py: choosing who you are on the embedded stack, or OpenID Connect in production;
- inspections.py, evidence.py, lines.py, triangulation.py, judgements.py, evaluation.py and reports.py:
  the journeys; live.py: lines of enquiry kept live, by server-sent events from the evidence topic;
- audit.py: the auditor's pages, for which the workspace reads the event log itself (the `audit` package,
  as `jip audit` does): timeline, export, as at a time, verification;
- tasks.py: the inspection's task list, from what the services' reads say; document.py: the report's
  HTML, reduced to the elements a document needs before it is shown inside a page."""
