// Validates rendered manifests against the Kubernetes (and Prometheus Operator) OpenAPI schemas,
// offline, like kubeconform. The packages resolve from beside the script, so run a copy of it there:
//   npm install --prefix /tmp/k8s-validate kubernetes-models@5.1.0 @kubernetes-models/prometheus-operator@6.0.0 yaml
//   cp deploy/tools/validate-manifests.mjs /tmp/k8s-validate/
//   kubectl kustomize deploy/kubernetes > /tmp/rendered.yaml
//   node /tmp/k8s-validate/validate-manifests.mjs /tmp/rendered.yaml
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

const documents = parseAllDocuments(readFileSync(process.argv[2], 'utf8')).map((d) => d.toJSON()).filter(Boolean);
let failed = 0;
for (const doc of documents) {
  const [group, version] = doc.apiVersion.includes('/') ? doc.apiVersion.split('/') : ['', doc.apiVersion];
  const module = group === 'monitoring.coreos.com'
    ? await import(`@kubernetes-models/prometheus-operator/${group}/${version}`)
    : await import(`kubernetes-models/${group ? `${group}/` : ''}${version}`);
  const name = `${doc.kind}/${doc.metadata?.name}`;
  if (!module[doc.kind]) {
    failed++;
    console.log(`FAIL ${name}: no schema for ${doc.apiVersion} ${doc.kind}`);
    continue;
  }
  try {
    new module[doc.kind](doc).validate();
    console.log(`ok   ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${e.message}`);
  }
}
process.exit(failed ? 1 : 0);
