// Validates real HTTP responses against an OpenAPI 3.1 document's response schemas, offline.
//
//   node eng/validators/validate-openapi.mjs OPENAPI.json SAMPLES.json
//
// SAMPLES.json is [{"method": "post", "path": "/v1/payments", "status": 201,
// "contentType": "application/json", "body": {...}}, ...], "path" being the document's path template.
// Prints one line per sample that fails (and why) and a summary; exits 1 when any sample fails (including
// a response the document does not declare), 2 on bad usage.
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";

const [documentPath, samplesPath] = process.argv.slice(2);
if (!documentPath || !samplesPath) {
  console.error("usage: validate-openapi.mjs OPENAPI.json SAMPLES.json");
  process.exit(2);
}
const document = JSON.parse(readFileSync(documentPath, "utf8"));
const samples = JSON.parse(readFileSync(samplesPath, "utf8"));

// OpenAPI 3.1 schemas are JSON Schema 2020-12. The document is registered whole, so its
// #/components/schemas references resolve; it is not itself a schema, hence strict off for it.
// Formats (int64, date-time) are annotations here: ajv-formats is not installed.
const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
ajv.addSchema(document, "openapi");

const pointer = (...parts) => parts.map((p) => String(p).replaceAll("~", "~0").replaceAll("/", "~1")).join("/");
const validators = new Map();
let failures = 0;
for (const sample of samples) {
  const operation = document.paths?.[sample.path]?.[sample.method.toLowerCase()];
  const label = `${sample.method.toUpperCase()} ${sample.path} -> ${sample.status}`;
  if (!operation) {
    console.log(`FAIL ${label}: the document has no such operation`);
    failures++;
    continue;
  }
  const status = String(sample.status);
  const responseKey = operation.responses?.[status] ? status : operation.responses?.default ? "default" : null;
  if (!responseKey) {
    console.log(`FAIL ${label}: the document does not declare this status (declared: ${Object.keys(operation.responses ?? {}).join(", ")})`);
    failures++;
    continue;
  }
  const content = operation.responses[responseKey].content ?? {};
  const mediaType = Object.keys(content).find((m) => m === sample.contentType) ?? null;
  if (sample.body === null || sample.body === undefined) {
    continue;
  }
  if (!mediaType) {
    console.log(`FAIL ${label}: no schema for ${sample.contentType} (declared: ${Object.keys(content).join(", ") || "none"})`);
    failures++;
    continue;
  }
  const ref = "openapi#/" + pointer("paths", sample.path, sample.method.toLowerCase(), "responses", responseKey, "content", mediaType, "schema");
  let validate = validators.get(ref);
  if (!validate) {
    validate = ajv.compile({ $ref: ref });
    validators.set(ref, validate);
  }
  if (!validate(sample.body)) {
    console.log(`FAIL ${label}: ${ajv.errorsText(validate.errors, { separator: "; " })}`);
    failures++;
  }
}
console.log(`${samples.length - failures} of ${samples.length} responses match the document`);
process.exit(failures > 0 ? 1 : 0);
