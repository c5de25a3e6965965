"""Reporting's rendering: everything that turns the events reporting holds into a document, beside the
templates (`templates/`) and fonts (`fonts/`) it reads. `context` folds one inspection's events, `model`
builds what a document says from it (`framing`, `agencies`, `board`, `overview`), in `words` and with case
references withheld (`redaction`); `issue` marks where the document stands, and `documents` renders it as
Markdown, HTML and PDF (`pdf`). Pure functions."""
