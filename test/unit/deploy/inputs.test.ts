import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration, timeoutFlag } from "../../../pipeline/modules/deploy/duration.js";
import { imageValuesYaml, isStalePush } from "../../../pipeline/modules/deploy/gitops.js";
import { parseDigestRef } from "../../../pipeline/modules/deploy/image-ref.js";
import { checkDeployedImage, imagesOf, parseManifests, repositoryOf, workloadsOf } from "../../../pipeline/modules/deploy/manifests.js";
import { deployedRevision, kubeconfigProblem, parseAppliedNames, parseHelmHistory, parseRolloutHistory, readDiff } from "../../../pipeline/modules/deploy/parse.js";
import { DEPLOY_IMAGES } from "../../../pipeline/modules/pins.js";
import { loadConfig } from "../../../pipeline/src/config/load.js";
import { DIGEST, IMAGE, renderedManifest } from "../../helpers/deploy.js";

describe("the image to deploy", () => {
  it("is a digest reference; a tag next to the digest is dropped", () => {
    expect(parseDigestRef(IMAGE)).toEqual({ name: "ghcr.io/example/go-service", digest: DIGEST, ref: IMAGE });
    expect(parseDigestRef(`ghcr.io/example/go-service:1.2.0@${DIGEST}`).ref).toBe(IMAGE);
    expect(parseDigestRef(`localhost:5000/app@${DIGEST}`).name).toBe("localhost:5000/app");
  });

  it.each([
    ["ghcr.io/acme/app:1.2.0", 'is a tag ("1.2.0")'],
    ["ghcr.io/acme/app", "has no digest (it means ghcr.io/acme/app:latest)"],
    ["ghcr.io/acme/app@sha256:abc", "has a malformed digest"],
    [`ghcr.io/acme/app@sha256:${"A".repeat(64)}`, "has a malformed digest"],
    [`ghcr.io/acme/app@sha512:${"a".repeat(128)}`, "has a digest of another algorithm (\"sha512\""],
    ["--force", "is not an image reference"],
  ])("refuses %s", (ref, why) => {
    expect(() => parseDigestRef(ref)).toThrow(why);
  });
});

describe("durations", () => {
  it("reads kubectl's forms, and nothing without a unit", () => {
    expect([parseDuration("30s"), parseDuration("5m"), parseDuration("1m30s"), parseDuration("500ms"), parseDuration("1.5h")]).toEqual([30_000, 300_000, 90_000, 500, 5_400_000]);
    expect([parseDuration("30"), parseDuration(""), parseDuration("5 m"), parseDuration("m")]).toEqual([undefined, undefined, undefined, undefined]);
    expect([timeoutFlag(90_000), timeoutFlag(1), timeoutFlag(1500)]).toEqual(["90s", "1s", "2s"]);
    expect([formatDuration(450), formatDuration(2000), formatDuration(90_000), formatDuration(120_000)]).toEqual(["450ms", "2s", "1m30s", "2m"]);
  });
});

describe("rendered manifests", () => {
  it("yield the workloads, in their namespace or the environment's", () => {
    const objects = parseManifests(renderedManifest(IMAGE), "kustomize build");
    expect(workloadsOf(objects, "other")).toEqual([{ kind: "Deployment", name: "go-service", namespace: "go-service-staging" }]);
    const bare = parseManifests("apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\n---\n# empty\n", "x");
    expect(workloadsOf(bare, "prod")).toEqual([{ kind: "StatefulSet", name: "db", namespace: "prod" }]);
  });

  it("must run the digest, and no container of its repository on anything else", () => {
    const image = parseDigestRef(IMAGE);
    expect(() => checkDeployedImage(parseManifests(renderedManifest(IMAGE), "x"), image, "x")).not.toThrow();
    expect(() => checkDeployedImage(parseManifests(renderedManifest("nginx:1.27"), "x"), image, "x")).toThrow("no container runs");
    const mixed = `${renderedManifest(IMAGE)}---\napiVersion: batch/v1\nkind: CronJob\nmetadata: {name: cleanup}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers: [{name: c, image: "ghcr.io/example/go-service:0.1.0"}]\n`;
    expect(imagesOf(parseManifests(mixed, "x")).map((i) => i.object)).toEqual(["Deployment/go-service", "CronJob/cleanup"]);
    expect(() => checkDeployedImage(parseManifests(mixed, "x"), image, "x")).toThrow("CronJob/cleanup runs ghcr.io/example/go-service:0.1.0");
  });

  it("are refused when a document is no object, or there are none", () => {
    expect(() => parseManifests("kind: Deployment\n", "x")).toThrow("document 1 is not a Kubernetes object");
    expect(() => parseManifests("", "x")).toThrow("rendered no Kubernetes object");
    expect(repositoryOf("localhost:5000/app:1.0")).toBe("localhost:5000/app");
    expect(repositoryOf(`a/b@${DIGEST}`)).toBe("a/b");
  });
});

describe("tool output readers", () => {
  it("rollout history: the highest revision", () => {
    expect(parseRolloutHistory("deployment.apps/web \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n\n")).toBe(3);
    expect(parseRolloutHistory("")).toBeUndefined();
  });

  it("helm history: the revision that serves", () => {
    const history = parseHelmHistory('[{"revision":1,"status":"superseded","chart":"a-1"},{"revision":2,"status":"deployed","chart":"a-1","app_version":"1"},{"revision":3,"status":"failed","chart":"a-1"}]');
    expect(deployedRevision(history)?.revision).toBe(2);
  });

  it("apply names, diff exit codes, kubeconfig problems", () => {
    expect(parseAppliedNames("service/web serverside-applied\ndeployment.apps/web\n")).toEqual(["deployment.apps/web"]);
    expect(readDiff(0, "", "")).toEqual({ kind: "none" });
    expect(readDiff(1, "+x\n", "")).toEqual({ kind: "changes", diff: "+x\n" });
    expect(readDiff(2, "", "error: the server has asked for the client to provide credentials\n")).toEqual({ kind: "error", line: "error: the server has asked for the client to provide credentials" });
    expect(kubeconfigProblem("error: current-context is not set\n")).toContain("has no current-context");
  });

  it("a push is retried only when the branch moved", () => {
    expect(isStalePush({ exitCode: 1, stdout: "To x\n!\tHEAD:refs/heads/main\t[rejected] (fetch first)\nDone\n", stderr: "error: failed to push some refs" })).toBe(true);
    expect(isStalePush({ exitCode: 1, stdout: "!\tHEAD:refs/heads/main\t[remote rejected] (protected branch hook declined)\n", stderr: "" })).toBe(false);
    expect(isStalePush({ exitCode: 128, stdout: "", stderr: "fatal: Authentication failed" })).toBe(false);
  });

  it("the helm values file the GitOps mode owns", () => {
    expect(imageValuesYaml({ repository: "image.repository", digest: "image.digest" }, parseDigestRef(IMAGE))).toBe(
      `# Written by the pipeline's GitOps deploy: the image this environment runs. Edits here are replaced by the next deploy.\nimage:\n  repository: "ghcr.io/example/go-service"\n  digest: "${DIGEST}"\n`,
    );
  });
});

describe("deploy in pipeline.yaml", () => {
  const problems = (yaml: string) => {
    const loaded = loadConfig(yaml);
    return loaded.ok ? [] : loaded.problems.map((p) => `${p.path}: ${p.message}`);
  };

  it("takes an environment with defaults on every key", () => {
    const loaded = loadConfig("deploy:\n  environments:\n    staging:\n      kustomize: { overlay: deploy/overlays/staging }\n      health: { url: https://s.example.com/healthz }\n");
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(loaded.config.deploy.environments["staging"]).toMatchObject({
      rolloutTimeout: "5m",
      rollback: true,
      forceConflicts: true,
      health: { attempts: 10, initialDelay: "5s", interval: "2s", backoffFactor: 2, maxInterval: "30s", timeout: "10s", deadline: "5m", successThreshold: 1 },
    });
    expect(loaded.config.deploy.images).toEqual(DEPLOY_IMAGES);
  });

  it.each([
    ["staging: { health: { url: https://x.example.com } }", "an environment needs kustomize, helm or gitops"],
    ["staging: { kustomize: { overlay: a }, helm: { chart: c, release: r } }", "an environment deploys one way, not kustomize and helm"],
    ["staging: { kustomize: { overlay: a }, health: { url: ftp://x.example.com/h } }", "its scheme is ftp, not http or https"],
    ["staging: { kustomize: { overlay: a }, health: { url: 'https://u:p@x.example.com/h' } }", "it has credentials in it"],
    ["staging: { kustomize: { overlay: a }, health: { url: https://x.example.com, service: { name: s } } }", "either url or service, not both"],
    ["staging: { kustomize: { overlay: a }, rolloutTimeout: 300 }", "expected string"],
    ["staging: { kustomize: { overlay: a }, rolloutTimeout: 5 minutes }", "expected a duration like 30s, 5m or 1m30s"],
    ["staging: { kustomize: { overlay: ../elsewhere } }", "expected a path inside the project folder"],
    ["Staging: { kustomize: { overlay: a } }", "expected an environment name"],
    ["staging: { gitops: { repository: 'https://user:tok@github.com/a/b.git', path: p } }", "without credentials"],
    ["staging: { gitops: { repository: git@github.com:a/b.git, path: p } }", "expected the deploy repository's https:// URL"],
    ["staging: { gitops: { repository: https://github.com/a/b.git, path: p }, health: { url: https://x.example.com } }", "a GitOps environment has no health check here"],
    ["staging: { helm: { chart: c, release: r, imageKeys: { digest: 'image.digest,x' } } }", "expected a dotted values key"],
  ])("refuses %s", (environment, message) => {
    expect(problems(`deploy:\n  environments:\n    ${environment}\n`).join("\n")).toContain(message);
  });

  it("refuses a deploy image that floats", () => {
    expect(problems("deploy:\n  images:\n    kubectl: registry.k8s.io/kubectl:latest\n").join("\n")).toContain('is not pinned: the image behind "latest" changes with every release');
  });
});

describe("deploy tool pins", () => {
  it.each(Object.entries(DEPLOY_IMAGES))("pins %s by tag and digest", (_tool, image) => {
    expect(image).toMatch(/^[a-z0-9][\w./-]*:[\w.-]+@sha256:[a-f0-9]{64}$/);
  });

  it("runs Helm 4 (server-side apply) and a kubectl of the release the real-cluster test builds", async () => {
    expect(DEPLOY_IMAGES.helm).toMatch(/^alpine\/helm:4\./);
    const { readFileSync } = await import("node:fs");
    const goMod = readFileSync(new URL("../../../tools/kubernetes/go.mod", import.meta.url), "utf8");
    const version = /k8s\.io\/kubernetes v(\d+\.\d+\.\d+)/.exec(goMod)?.[1];
    expect(DEPLOY_IMAGES.kubectl).toContain(`:v${version}@`);
    const goTools = readFileSync(new URL("../../../tools/go-tools.txt", import.meta.url), "utf8");
    expect(goTools).toContain(`helm.sh/helm/v4/cmd/helm@v${/helm:([\d.]+)@/.exec(DEPLOY_IMAGES.helm)![1]}`);
    expect(goTools).toContain(`sigs.k8s.io/kustomize/kustomize/v5@${/kustomize:(v[\d.]+)@/.exec(DEPLOY_IMAGES.kustomize)![1]}`);
  });
});

describe("the README's deploy example", () => {
  it("is a valid pipeline.yaml", async () => {
    const { readFileSync } = await import("node:fs");
    const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
    const section = readme.slice(readme.indexOf("## Deploy\n"));
    const yaml = /```yaml\n(deploy:\n[\s\S]*?)```/.exec(section)?.[1];
    expect(yaml).toBeDefined();
    const loaded = loadConfig(yaml);
    expect(loaded.ok ? [] : loaded.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([]);
    if (loaded.ok) expect(Object.keys(loaded.config.deploy.environments)).toEqual(["staging", "production", "gitops-production"]);
  });
});
