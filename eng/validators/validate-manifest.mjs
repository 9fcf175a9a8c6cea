// Validates Aspire manifests against the aspire-8.0 JSON schema, offline.
//
//   node eng/validators/validate-manifest.mjs --schema SCHEMA.json MANIFEST.json [MANIFEST.json ...]
//
// Prints one line per manifest; exits 1 when any is invalid, 2 on bad usage.
import { readFileSync } from "node:fs";
import Ajv from "ajv";

const args = process.argv.slice(2);
const schemaIndex = args.indexOf("--schema");
if (schemaIndex < 0 || schemaIndex + 1 >= args.length) {
  console.error("usage: validate-manifest.mjs --schema SCHEMA.json MANIFEST.json [...]");
  process.exit(2);
}
const schemaPath = args[schemaIndex + 1];
const manifests = args.filter((_, i) => i !== schemaIndex && i !== schemaIndex + 1);
if (manifests.length === 0) {
  console.error("usage: validate-manifest.mjs --schema SCHEMA.json MANIFEST.json [...]");
  process.exit(2);
}

// The schema is draft-07 (ajv's default). allErrors reports every problem, not just the first;
// strict mode stays on, so a schema keyword ajv does not understand is an error, not a silent pass.
const ajv = new Ajv({ allErrors: true, strict: true });
const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, "utf8")));

let failed = false;
for (const path of manifests) {
  const manifest = JSON.parse(readFileSync(path, "utf8"));
  if (validate(manifest)) {
    console.log(`valid: ${path} (${Object.keys(manifest.resources ?? {}).length} resources)`);
  } else {
    failed = true;
    console.log(`invalid: ${path}`);
    for (const error of validate.errors) {
      console.log(`  ${error.instancePath || "/"} ${error.message} ${JSON.stringify(error.params)}`);
    }
  }
}
process.exit(failed ? 1 : 0);
