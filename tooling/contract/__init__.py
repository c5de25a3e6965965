"""The published contract's generator and checker: what the platform's topics carry, for consumers inside
it and outside, written from the catalogue (shared/language/contracts) into one folder, `contract/`
(docs/contract.md):

- `schemas/<event_type>/v<N>.json`: the JSON Schema (draft 2020-12) of each event's payload at each schema
  version ever published (schemas.py). Append-only: a version's file, once committed, never changes and is
  never removed, since events of that version stay on the log for good;
- `envelope.json`: the schema of the envelope every event travels in (schemas.py);
- `asyncapi.json`: an AsyncAPI 3.1 document of the topics, their messages, who sends and who receives,
  valid for the official parser (`@asyncapi/parser`) and JSON Schema (asyncapi.py). Its links to the
  consumers' pages in docs/ are absolute URLs from a base the publisher gives (`docs_base`, `jip contracts
  generate --docs-base`); the committed document has none, since the platform's docs have no public
  address yet.

`compatibility.breaking_changes` says whether the current model still accepts everything a committed schema
accepted; what it cannot accept needs a new schema version and an upcaster (shared/mechanics/catalogue.py).
`publish.generate` and `publish.check` write and check the folder (`jip contracts`). The services only
serve the folder's files (shared/mechanics/contract.py)."""
