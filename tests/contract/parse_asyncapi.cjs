// Parses AsyncAPI documents with the official JavaScript parser (@asyncapi/parser), resolving their
// relative $refs from each file's folder, and prints every diagnostic as one JSON line:
// {"document", "severity": "error"|"warning"|"information"|"hint", "code", "message", "path"}.
// Usage: node parse_asyncapi.cjs <folder holding node_modules/@asyncapi/parser> <asyncapi.json>...
// Exits 0 when the parser parsed every document with no error, 1 when it did not, 2 when it could not run.
"use strict";
const path = require("node:path");
const { createRequire } = require("node:module");

async function main() {
  const [installed, ...documents] = process.argv.slice(2);
  if (!installed || documents.length === 0) {
    console.error("usage: node parse_asyncapi.cjs <install folder> <asyncapi.json>...");
    return 2;
  }
  const load = createRequire(path.join(path.resolve(installed), "package.json"));
  const { Parser, fromFile, DiagnosticSeverity } = load("@asyncapi/parser");
  const names = {
    [DiagnosticSeverity.Error]: "error",
    [DiagnosticSeverity.Warning]: "warning",
    [DiagnosticSeverity.Information]: "information",
    [DiagnosticSeverity.Hint]: "hint",
  };
  let failed = false;
  for (const document of documents) {
    const parser = new Parser();
    const { document: parsed, diagnostics } = await fromFile(parser, path.resolve(document)).parse();
    for (const d of diagnostics) {
      const severity = names[d.severity];
      console.log(JSON.stringify({ document, severity, code: d.code, message: d.message, path: d.path }));
    }
    const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error).length;
    console.error(`${document}: ${errors} error(s), ${parsed ? "parsed" : "not parsed"}`);
    failed = failed || errors > 0 || !parsed;
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(String((error && error.stack) || error));
    process.exit(2);
  },
);
