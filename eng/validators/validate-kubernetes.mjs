// Validates every object of a multi-document YAML stream (the output of `kubectl kustomize DIR`)
// against the Kubernetes OpenAPI schemas, offline, with kubernetes-models.
//
//   kubectl kustomize DIR | node eng/validators/validate-kubernetes.mjs -
//   node eng/validators/validate-kubernetes.mjs FILE.yaml
//
// An object whose apiVersion and kind have no model is an error: nothing passes unchecked.
// Prints a line per invalid object and a summary; exits 1 when any object is invalid.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const input = process.argv[2];
if (!input) {
  console.error("usage: validate-kubernetes.mjs FILE.yaml | -");
  process.exit(2);
}
const text = readFileSync(input === "-" ? 0 : input, "utf8");

const documents = parseAllDocuments(text);
const objects = [];
for (const document of documents) {
  if (document.errors.length > 0) {
    console.log(`invalid YAML: ${document.errors.map((e) => e.message).join("; ")}`);
    process.exit(1);
  }
  const object = document.toJS();
  if (object !== null && object !== undefined) {
    objects.push(object);
  }
}

// "apps/v1" -> kubernetes-models/apps/v1, "v1" (the core group) -> kubernetes-models/v1.
async function modelFor(apiVersion, kind) {
  if (typeof apiVersion !== "string" || typeof kind !== "string") {
    return undefined;
  }
  try {
    const module = await import(`kubernetes-models/${apiVersion}`);
    return module[kind];
  } catch {
    return undefined;
  }
}

let failed = 0;
const counts = new Map();
for (const object of objects) {
  const name = `${object?.kind ?? "?"}/${object?.metadata?.name ?? "?"}`;
  const Model = await modelFor(object?.apiVersion, object?.kind);
  if (!Model) {
    failed++;
    console.log(`invalid: ${name}: no Kubernetes schema for apiVersion '${object?.apiVersion}' kind '${object?.kind}'`);
    continue;
  }
  try {
    new Model(object).validate();
    counts.set(object.kind, (counts.get(object.kind) ?? 0) + 1);
  } catch (error) {
    failed++;
    console.log(`invalid: ${name}: ${error.message}`);
  }
}

const summary = [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([kind, n]) => `${kind} ${n}`).join(", ");
console.log(`${objects.length - failed} of ${objects.length} objects valid${summary ? ` (${summary})` : ""}`);
process.exit(failed > 0 || objects.length === 0 ? 1 : 0);
