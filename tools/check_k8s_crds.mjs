// Validates the custom resources of the Kubernetes manifests (Argo Rollouts, External Secrets)
// against the schemas their projects publish, as packaged by @kubernetes-models. Reads a JSON
// array of objects on stdin (tools/check_k8s.py sends them); prints one line per problem and
// exits 1 if there is any.
import { AnalysisTemplate } from "@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/AnalysisTemplate";
import { Rollout } from "@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/Rollout";
import { ExternalSecret } from "@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret";
import { readFileSync } from "node:fs";

const MODELS = {
  "argoproj.io/v1alpha1 Rollout": Rollout,
  "argoproj.io/v1alpha1 AnalysisTemplate": AnalysisTemplate,
  "external-secrets.io/v1 ExternalSecret": ExternalSecret,
};

const objects = JSON.parse(readFileSync(0, "utf8"));
let problems = 0;
for (const object of objects) {
  const key = `${object.apiVersion} ${object.kind}`;
  const Model = MODELS[key];
  const name = `${object.kind}/${object.metadata?.name}`;
  if (!Model) {
    console.log(`${name}: no schema for ${key}`);
    problems += 1;
    continue;
  }
  try {
    new Model(object).validate();
  } catch (error) {
    console.log(`${name}: ${error.message}`);
    problems += 1;
  }
}
process.exit(problems ? 1 : 0);
