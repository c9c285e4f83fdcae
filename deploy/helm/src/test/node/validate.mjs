// Validates rendered Kubernetes objects against current Kubernetes schemas (kubernetes-models),
// and cert-manager / Prometheus Operator objects against theirs. Input: JSON files, each an array
// of objects (the Java test converts the rendered YAML). Prints one line per problem and exits 1
// when there is any; an object of a kind no package knows is a problem too.
import { readFileSync } from "node:fs";

const packages = {
  "cert-manager.io": "@kubernetes-models/cert-manager/cert-manager.io",
  "monitoring.coreos.com": "@kubernetes-models/prometheus-operator/monitoring.coreos.com",
};

async function modelOf(apiVersion, kind) {
  const slash = apiVersion.indexOf("/");
  const group = slash < 0 ? "" : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  const base = packages[group] ?? (group ? `kubernetes-models/${group}` : "kubernetes-models");
  try {
    const module = await import(`${base}/${version}/${kind}`);
    return module[kind] ?? module.default;
  } catch (e) {
    return undefined;
  }
}

let problems = 0;
let checked = 0;
for (const file of process.argv.slice(2)) {
  for (const object of JSON.parse(readFileSync(file, "utf8"))) {
    const name = `${file}: ${object.kind}/${object.metadata?.name}`;
    const Model = await modelOf(object.apiVersion ?? "", object.kind ?? "");
    if (!Model) {
      console.log(`${name}: no schema for ${object.apiVersion} ${object.kind}`);
      problems++;
      continue;
    }
    try {
      new Model(object).validate();
      checked++;
    } catch (e) {
      console.log(`${name}: ${e.message}`);
      problems++;
    }
  }
}
console.log(`validated ${checked} objects, ${problems} problems`);
process.exit(problems === 0 ? 0 : 1);
