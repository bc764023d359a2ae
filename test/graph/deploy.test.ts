import { dag, type Secret } from "@dagger.io/dagger";
import { describe, expect, it } from "vitest";
import type { CallRecord, RecordingEngineOptions } from "../../cli/recording-engine/engine.js";
import { argText, isChainRef, type ArgValue, type Step } from "../../cli/recording-engine/query.js";
import { recordRun } from "../../cli/recording-engine/run.js";
import { NON_ROOT_USER } from "../../pipeline/modules/non-root.js";
import { DEPLOY_IMAGES } from "../../pipeline/modules/pins.js";
import { copyExample } from "../helpers/examples.js";
import { DIGEST, IMAGE, renderedManifest, scriptedCluster, type ClusterScript } from "../helpers/deploy.js";
import { pipelineOn } from "../helpers/pipeline.js";
import { envOf, execChainsOf, type ExecChain } from "../helpers/records.js";

/**
 * `deploy` on the recording engine: the module's real code, every exec
 * answered by a scripted cluster, so the graph shows what runs, in which
 * image, in which order, with which secrets; and what a failure leads to.
 */

const KUBECONFIG_MARKER = "kubeconfig-marker-9c41f7";
const TOKEN_MARKER = "git-token-marker-2be8d0";

const HEALTH = ["health:", "  url: https://staging.example.com/healthz", "  attempts: 3", "  initialDelay: 1ms", "  interval: 1ms", "  maxInterval: 2ms"];
const indent = (lines: string[], by: string) => lines.map((l) => `${by}${l}`).join("\n");

const CONFIG = [
  "deploy:",
  "  image: ghcr.io/example/go-service",
  "  environments:",
  "    staging:",
  "      kustomize: { overlay: deploy/overlays/staging }",
  "      rolloutTimeout: 2m",
  indent(HEALTH, "      "),
  "    production:",
  "      helm: { chart: deploy/chart, release: go-service, values: [deploy/chart/values-production.yaml] }",
  "      namespace: go-service-staging",
  indent(HEALTH, "      "),
  "    preview:",
  "      kustomize: { overlay: deploy/overlays/staging }",
  "    gitops-staging:",
  "      gitops: { repository: https://git.example.com/acme/deploy.git, path: apps/go-service/staging }",
  "",
].join("\n");

type Pipeline = Awaited<ReturnType<typeof pipelineOn>>;
type Secrets = { kubeconfig: Secret; gitToken: Secret };

async function deploy(call: (p: Pipeline, s: Secrets) => Promise<string>, script: ClusterScript = {}, config = CONFIG, options: RecordingEngineOptions = {}) {
  const cluster = scriptedCluster(script);
  const root = copyExample("go-service", { "pipeline.yaml": config });
  const run = await recordRun(
    async () => call(await pipelineOn(root), { kubeconfig: dag.setSecret("kubeconfig", KUBECONFIG_MARKER), gitToken: dag.setSecret("git-token", TOKEN_MARKER) }),
    { execOutcome: cluster.outcome, ...options },
  );
  const commands = run.engine.executedCommands();
  return { ...run, commands, execs: execChainsOf(run.engine.records), probes: cluster.probes(), message: String((run.error as Error | undefined)?.message ?? "") };
}

const staging = (p: Pipeline, s: Secrets) => p.deploy("staging", IMAGE, s.kubeconfig);

/** An exec's argv in a readable form: the tool and its first words, then any --flag=... the test names. */
const brief = (argv: readonly string[]) => argv.slice(0, 3).join(" ");

function fromImage(chain: readonly Step[]): string {
  return argText(chain.find((s) => s.field === "from")?.args["address"] ?? "");
}

function secretMounts(chain: readonly Step[]): string[] {
  return chain.filter((s) => s.field === "withMountedSecret").map((s) => argText(s.args["path"]));
}

function secretName(value: ArgValue | undefined): string | undefined {
  if (!isChainRef(value)) return undefined;
  const first = value.$chain[0];
  return first?.field === "setSecret" ? argText(first.args["name"]) : undefined;
}

function stepsUsingSecrets(records: readonly CallRecord[]): Step[] {
  const found: Step[] = [];
  const visit = (steps: readonly Step[]) => {
    for (const step of steps) {
      for (const value of Object.values(step.args)) {
        if (secretName(value) !== undefined) found.push(step);
        if (isChainRef(value)) visit(value.$chain);
      }
    }
  };
  for (const record of records) visit(record.steps);
  return found;
}

const execOf = (execs: ExecChain[], ...words: string[]) => {
  const found = execs.filter((e) => words.every((w, i) => e.argv[i] === w));
  if (found.length === 0) throw new Error(`no exec of ${words.join(" ")}`);
  return found;
};

describe("deploy with kustomize", () => {
  it("renders with the digest, validates, diffs, applies server-side, waits for the rollout, then checks health", async () => {
    const { result, error, commands } = await deploy(staging);
    expect(error).toBeUndefined();
    expect(commands.map(brief)).toEqual([
      "kubectl config current-context",
      "/app/kustomize edit set",
      "/app/kustomize build deploy/overlays/staging",
      "kubectl apply --server-side",
      "kubectl diff --server-side",
      "kubectl rollout history",
      "kubectl apply --server-side",
      "kubectl rollout status",
      "curl --silent --show-error",
    ]);
    expect(commands[1]).toEqual(["/app/kustomize", "edit", "set", "image", `ghcr.io/example/go-service=${IMAGE}`]);
    const [validate, , , apply] = commands.slice(3);
    expect(validate).toContain("--dry-run=server");
    expect(apply).not.toContain("--dry-run=server");
    expect(apply).toEqual(["kubectl", "apply", "--server-side", "--field-manager=pipeline", "--force-conflicts", "--filename", ".pipeline-deploy/manifests.yaml", "--output", "name", "--request-timeout=60s"]);
    expect(commands[7]).toEqual(["kubectl", "rollout", "status", "deployment/go-service", "--namespace", "go-service-staging", "--watch=true", "--timeout=120s"]);
    expect(commands[8]).toEqual(["curl", "--silent", "--show-error", "--output", "/dev/null", "--write-out", "%{http_code}", "--max-time", "10", "--url", "https://staging.example.com/healthz"]);
    expect(result).toContain("✅ Deployed to staging");
    expect(result).toContain(IMAGE);
    expect(result).toContain("HTTP 200 on attempt 1");
  });

  it("runs each tool in its pinned image, as the non-root user, with the kubeconfig mounted for the cluster steps alone", async () => {
    const { execs } = await deploy(staging);
    for (const exec of execs) {
      const tool = exec.argv[0] === "/app/kustomize" ? "kustomize" : (exec.argv[0] as keyof typeof DEPLOY_IMAGES);
      expect(fromImage(exec.chain), exec.argv.join(" ")).toBe(DEPLOY_IMAGES[tool]);
      expect(exec.chain.filter((s) => s.field === "withUser").at(-1)?.args["name"]).toBe(NON_ROOT_USER);
      const mounts = secretMounts(exec.chain);
      if (exec.argv[0] === "kubectl") {
        expect(mounts, exec.argv.join(" ")).toEqual(["/run/secrets/kubeconfig"]);
        expect(envOf(exec.chain)["KUBECONFIG"]).toBe("/run/secrets/kubeconfig");
        const mount = exec.chain.find((s) => s.field === "withMountedSecret")!;
        expect(mount.args).toMatchObject({ owner: NON_ROOT_USER, mode: 0o400 });
      } else {
        expect(mounts, exec.argv.join(" ")).toEqual([]);
        expect(envOf(exec.chain)).not.toHaveProperty("KUBECONFIG");
      }
    }
  });

  it("gives every cluster and network step a fresh run id, so the engine never answers one from its cache; rendering stays cacheable", async () => {
    const first = await deploy(staging);
    const second = await deploy(staging);
    const ids = (execs: ExecChain[]) => execs.map((e) => envOf(e.chain)["PIPELINE_DEPLOY_RUN"]);
    const live = (e: ExecChain) => e.argv[0] === "kubectl" || e.argv[0] === "curl";
    for (const exec of first.execs) expect(envOf(exec.chain)["PIPELINE_DEPLOY_RUN"] !== undefined, exec.argv.join(" ")).toBe(live(exec));
    const liveIds = ids(first.execs.filter(live));
    expect(new Set(liveIds).size).toBe(liveIds.length);
    expect(ids(second.execs.filter(live)).some((id) => liveIds.includes(id))).toBe(false);
  });

  it("retries the health check with backoff: 503, 503, then 200 within three attempts is a deploy", async () => {
    const { result, error, probes, commands } = await deploy(staging, { health: [503, 503, 200] });
    expect(error).toBeUndefined();
    expect(probes).toBe(3);
    expect(commands.filter((c) => c[0] === "kubectl" && c[2] === "undo")).toEqual([]);
    expect(result).toContain("HTTP 200 on attempt 3");
  });

  it("rolls back a deploy that is never healthy to the revision before it, waits for it, checks it, and fails with both outcomes", async () => {
    const { error, message, commands, probes } = await deploy(staging, { health: [500, 500, 500, 200], revisions: [1, 2, 3] });
    expect(error).toBeDefined();
    const after = commands.slice(commands.findIndex((c) => c[0] === "curl"));
    expect(after.map(brief)).toEqual([
      "curl --silent --show-error",
      "curl --silent --show-error",
      "curl --silent --show-error",
      "kubectl rollout history",
      "kubectl rollout undo",
      "kubectl rollout status",
      "curl --silent --show-error",
    ]);
    expect(after[4]).toEqual(["kubectl", "rollout", "undo", "deployment/go-service", "--namespace", "go-service-staging", "--to-revision=3", "--request-timeout=60s"]);
    expect(probes).toBe(4);
    expect(message).toContain("⏪ Deploy to staging failed (health failed: never healthy: 3 attempts; last: HTTP 500)");
    expect(message).toContain("rolled back: go-service-staging/deployment/go-service to revision 3");
    expect(message).toContain("HTTP 200 on attempt 1");
  });

  it("rolls back when the rollout does not finish in time, before any health probe", async () => {
    const { message, commands, probes } = await deploy(staging, { rolloutStatus: [1, 0], revisions: [4] });
    expect(commands.map(brief).slice(-5)).toEqual(["kubectl rollout status", "kubectl rollout history", "kubectl rollout undo", "kubectl rollout status", "curl --silent --show-error"]);
    expect(probes).toBe(1);
    expect(message).toContain("rollout status failed: go-service-staging/deployment/go-service not rolled out within 2m");
    expect(message).toContain("rolled back: go-service-staging/deployment/go-service to revision 4");
  });

  it("says the environment needs a person when the rollback itself fails", async () => {
    const { message } = await deploy(staging, { health: [500], undo: 1 });
    expect(message).toContain("🔥 Deploy to staging failed (health failed: never healthy: 3 attempts; last: HTTP 500), and the rollback failed too (rollout undo failed: go-service-staging/deployment/go-service: error: unable to find specified revision 1 in history)");
  });

  it("does not roll back a first deploy (no revision to go back to), and says so", async () => {
    const { message, commands } = await deploy(staging, { health: [500], revisions: [] });
    expect(commands.filter((c) => c[2] === "undo")).toEqual([]);
    expect(message).toContain("not rolled back: nothing to roll back (go-service-staging/deployment/go-service: it did not exist before this deploy");
  });

  it("does not roll back when rollback is off for the environment", async () => {
    const config = CONFIG.replace("      rolloutTimeout: 2m\n", "      rolloutTimeout: 2m\n      rollback: false\n");
    const { message, commands } = await deploy(staging, { health: [500] }, config);
    expect(commands.filter((c) => c[2] === "undo")).toEqual([]);
    expect(message).toContain("automatic rollback is off for staging (deploy.environments.staging.rollback: false)");
  });

  it("stops before applying when the server refuses the manifests", async () => {
    const { message, commands } = await deploy(staging, { validate: 1 });
    expect(commands.map(brief).at(-1)).toBe("kubectl apply --server-side");
    expect(commands.filter((c) => c[1] === "apply" && !c.includes("--dry-run=server"))).toEqual([]);
    expect(message).toContain("validate failed: Error from server (Invalid)");
    expect(message).toContain("not rolled back: nothing was applied");
  });

  it("--dry-run renders, validates and diffs, and applies nothing", async () => {
    const { result, error, commands } = await deploy((p, s) => p.deploy("staging", IMAGE, s.kubeconfig, undefined, true));
    expect(error).toBeUndefined();
    expect(commands.map(brief)).toEqual(["kubectl config current-context", "/app/kustomize edit set", "/app/kustomize build deploy/overlays/staging", "kubectl apply --server-side", "kubectl diff --server-side"]);
    expect(commands[3]).toContain("--dry-run=server");
    expect(result).toContain("🔍 Dry run for staging");
    expect(result).toContain("Nothing was applied");
    expect(result).toContain(`+        image: ${IMAGE}`);
  });

  it("without a health check, a finished rollout is a deploy", async () => {
    const { result, commands } = await deploy((p, s) => p.deploy("preview", IMAGE, s.kubeconfig));
    expect(commands.some((c) => c[0] === "curl")).toBe(false);
    expect(result).toContain("(no health check configured)");
  });
});

describe("deploy with Helm", () => {
  const production = (p: Pipeline, s: Secrets) => p.deploy("production", IMAGE, s.kubeconfig);

  it("renders the chart with the digest, upgrades it, waits and checks health; on failure rolls back to the revision that served", async () => {
    const { message, commands } = await deploy(production, { health: [502, 502, 502, 200] });
    expect(commands.map(brief)).toEqual([
      "kubectl config current-context",
      "helm template go-service",
      "kubectl apply --server-side",
      "kubectl diff --server-side",
      "helm history go-service",
      "helm upgrade --install",
      "kubectl rollout status",
      "curl --silent --show-error",
      "curl --silent --show-error",
      "curl --silent --show-error",
      "helm history go-service",
      "helm rollback go-service",
      "kubectl rollout status",
      "curl --silent --show-error",
    ]);
    const set = ["--set-string", "image.repository=ghcr.io/example/go-service", "--set-string", `image.digest=${DIGEST}`];
    expect(commands[1]).toEqual(["helm", "template", "go-service", "deploy/chart", "--namespace", "go-service-staging", "--values", "deploy/chart/values-production.yaml", ...set]);
    expect(commands[5]).toEqual(["helm", "upgrade", "--install", "go-service", "deploy/chart", "--namespace", "go-service-staging", "--values", "deploy/chart/values-production.yaml", ...set, "--server-side=true", "--timeout", "300s"]);
    expect(commands[11]).toEqual(["helm", "rollback", "go-service", "4", "--namespace", "go-service-staging", "--server-side=true", "--timeout", "300s"]);
    expect(commands[2]).toContain("--field-manager=helm");
    expect(message).toContain("rolled back: go-service to revision 4");
  });
});

describe("deploy refuses bad input before anything runs", () => {
  const refused = async (call: (p: Pipeline, s: Secrets) => Promise<string>, config = CONFIG) => {
    const run = await deploy(call, {}, config);
    expect(run.commands, "nothing may run on bad input").toEqual([]);
    expect((run.error as Error | undefined)?.name).toBe("PipelineUserError");
    return run.message;
  };

  it("an image by tag, or with a malformed digest", async () => {
    expect(await refused((p, s) => p.deploy("staging", "ghcr.io/example/go-service:1.2.0", s.kubeconfig))).toMatch(/is a tag \("1\.2\.0"\).*\n {2}Fix: pass the digest/);
    expect(await refused((p, s) => p.deploy("staging", "ghcr.io/example/go-service@sha256:abc", s.kubeconfig))).toContain("has a malformed digest");
  });

  it("an environment that is not configured, with the closest name", async () => {
    expect(await refused((p, s) => p.deploy("stagign", IMAGE, s.kubeconfig))).toContain('did you mean "staging"?');
  });

  it("an environment whose overlay is not there", async () => {
    const config = CONFIG.replace("kustomize: { overlay: deploy/overlays/staging }\n      rolloutTimeout", "kustomize: { overlay: deploy/overlays/qa }\n      rolloutTimeout");
    expect(await refused(staging, config)).toContain('deploy.environments.staging.kustomize.overlay "deploy/overlays/qa" is not a folder of the project, so staging has no overlay');
  });

  it("an overlay folder without a kustomization.yaml", async () => {
    const config = CONFIG.replace("kustomize: { overlay: deploy/overlays/staging }\n      rolloutTimeout", "kustomize: { overlay: deploy/base/.. }\n      rolloutTimeout");
    expect(await refused(staging, config)).toMatch(/expected a path inside the project folder/);
    const noKustomization = CONFIG.replace("kustomize: { overlay: deploy/overlays/staging }\n      rolloutTimeout", "kustomize: { overlay: deploy/chart }\n      rolloutTimeout");
    expect(await refused(staging, noKustomization)).toContain('"deploy/chart" has no kustomization.yaml');
  });

  it("no kubeconfig", async () => {
    expect(await refused((p) => p.deploy("staging", IMAGE))).toContain("no --kubeconfig was given");
  });

  it("a health URL that is not http(s)", async () => {
    const config = CONFIG.replace("url: https://staging.example.com/healthz", "url: ftp://staging.example.com/healthz");
    expect(await refused(staging, config)).toMatch(/pipeline\.yaml:\d+:\d+ deploy\.environments\.staging\.health\.url: expected an http\(s\) URL .*its scheme is ftp/);
  });

  it("a kubeconfig secret that is not a kubeconfig: stopped by the first step, before rendering", async () => {
    const run = await deploy(staging, { context: { exitCode: 1, stderr: "error: error loading config file \"/run/secrets/kubeconfig\": couldn't get version/kind; json parse error\n" } });
    expect(run.commands).toEqual([["kubectl", "config", "current-context"]]);
    expect(run.message).toContain("the --kubeconfig secret is not a kubeconfig file");
    expect(run.message).toContain("env://KUBECONFIG hands over that variable's value, which is usually a path");
  });

  it("rendered manifests that do not run the digest", async () => {
    const run = await deploy(staging, { rendered: renderedManifest("ghcr.io/example/go-service:0.1.0") });
    expect(run.commands.map(brief)).toEqual(["kubectl config current-context", "/app/kustomize edit set", "/app/kustomize build deploy/overlays/staging"]);
    expect(run.message).toContain("Deployment/go-service runs ghcr.io/example/go-service:0.1.0");
  });
});

describe("deploy by GitOps", () => {
  const gitops = (p: Pipeline, s: Secrets) => p.deploy("gitops-staging", IMAGE, undefined, s.gitToken);

  it("clones the deploy repository, sets the image, checks it builds, commits and pushes; the token reaches clone and push only, through askpass", async () => {
    const { commands, execs, error } = await deploy(gitops, {}, CONFIG, {
      execOutcome: (args) => (args[0] === "git" && args[3] === "status" ? { exitCode: 0, stdout: " M apps/go-service/staging/kustomization.yaml\n" } : scriptedCluster().outcome(args)),
    });
    expect(error).toBeUndefined();
    expect(commands.map(brief)).toEqual([
      "git clone --depth=1",
      "/app/kustomize edit set",
      "/app/kustomize build .pipeline-deploy/gitops/apps/go-service/staging",
      "git -C .pipeline-deploy/gitops",
      "git -C .pipeline-deploy/gitops",
      "git -C .pipeline-deploy/gitops",
      "git -C .pipeline-deploy/gitops",
      "git -C .pipeline-deploy/gitops",
      "git -C .pipeline-deploy/gitops",
    ]);
    expect(commands[0]).toEqual(["git", "clone", "--depth=1", "--single-branch", "--branch=main", "--", "https://git.example.com/acme/deploy.git", ".pipeline-deploy/gitops"]);
    expect(commands.slice(3).map((c) => c[3])).toEqual(["status", "diff", "add", "-c", "push", "rev-parse"]);
    for (const exec of execs) {
      const remote = exec.argv[1] === "clone" || exec.argv[3] === "push";
      expect(secretMounts(exec.chain), exec.argv.join(" ")).toEqual(remote ? ["/run/secrets/git-token"] : []);
      if (remote) expect(envOf(exec.chain)).toMatchObject({ GIT_ASKPASS: "/run/pipeline/git-askpass", PIPELINE_GIT_USERNAME: "x-access-token", PIPELINE_GIT_TOKEN_FILE: "/run/secrets/git-token", GIT_TERMINAL_PROMPT: "0" });
    }
    const commit = execOf(execs, "git", "-C", ".pipeline-deploy/gitops", "-c")[0]!.argv;
    expect(commit).toContain(`--message=deploy(gitops-staging): ${IMAGE}`);
  });

  it("needs a token for an https deploy repository", async () => {
    const run = await deploy((p) => p.deploy("gitops-staging", IMAGE));
    expect(run.commands).toEqual([]);
    expect(run.message).toContain("no --git-token was given");
  });
});

describe("deploy's secrets", () => {
  it("never show: not in a record, an argv, an env value, the summary or an error; only mounts name them", async () => {
    const runs = [
      await deploy(staging, { health: [500, 500, 500, 200] }),
      await deploy((p, s) => p.deploy("gitops-staging", IMAGE, undefined, s.gitToken)),
      await deploy((p, s) => p.deploy("production", IMAGE, s.kubeconfig, s.gitToken, true)),
    ];
    for (const run of runs) {
      const everything = [JSON.stringify(run.engine.records), JSON.stringify(run.result ?? null), run.message].join("\n");
      expect(everything).not.toContain(KUBECONFIG_MARKER);
      expect(everything).not.toContain(TOKEN_MARKER);
      expect(run.engine.records.filter((r) => r.leaf === "plaintext")).toEqual([]);
      expect(new Set(stepsUsingSecrets(run.engine.records).map((s) => s.field))).toEqual(new Set(["withMountedSecret"]));
    }
  });
});
