import { dag, type Secret } from "@dagger.io/dagger";
import { describe, expect, it } from "vitest";
import type { CallRecord } from "../../cli/recording-engine/engine.js";
import { argText, isChainRef, type ArgValue, type Step } from "../../cli/recording-engine/query.js";
import { recordRun } from "../../cli/recording-engine/run.js";
import { NON_ROOT_USER } from "../../pipeline/modules/non-root.js";
import { GO_SCAN_TOOLS, IMAGES, PYTHON_SCAN_TOOLS } from "../../pipeline/modules/pins.js";
import { copyExample, type ExampleName } from "../helpers/examples.js";
import { pipelineOn } from "../helpers/pipeline.js";
import { envOf, execChainsOf, newFilesOf, type ExecChain } from "../helpers/records.js";
import { testsRan } from "../../cli/recording-engine/tests-ran.js";

/**
 * Private registries: each credentials file is a Secret, mounted for the
 * install step only, its path (never its value) in the variable its tool
 * reads, and gone again before the first tool exec.
 */

/** Unique plaintexts: if one ever shows anywhere in what was recorded or returned, a secret leaked. */
const MARKERS = { npmrc: "npmrc-marker-7f3a9c", pipConf: "pipconf-marker-51e0bd", netrc: "netrc-marker-c4d28e" };

type Registries = { npmrc: Secret; pipConf: Secret; netrc: Secret };
type Call = (pipeline: Awaited<ReturnType<typeof pipelineOn>>, secrets: Registries) => Promise<unknown>;

/** Runs a function of the module with every registry secret given, planted with the markers. */
async function withSecrets(root: string, call: Call) {
  const run = await recordRun(async () => {
    const secrets = {
      npmrc: dag.setSecret("npmrc", MARKERS.npmrc),
      pipConf: dag.setSecret("pip-conf", MARKERS.pipConf),
      netrc: dag.setSecret("netrc", MARKERS.netrc),
    };
    const result = await call(await pipelineOn(root), secrets);
    return typeof result === "object" && result !== null && "id" in result ? await (result as { id(): Promise<string> }).id() : result;
  }, testsRan());
  return { ...run, execs: execChainsOf(run.engine.records) };
}

const GO_IMAGES: string[] = [IMAGES.go, IMAGES.golangciLint];

const ci: Call = (p, s) => p.ci(undefined, s.npmrc, s.pipConf, s.netrc, "github.com/acme/*");

/** The mounts in force at the end of a chain: withMountedSecret adds, withoutMount removes. */
function secretMounts(chain: readonly Step[]): Map<string, Step> {
  const mounts = new Map<string, Step>();
  for (const step of chain) {
    if (step.field === "withMountedSecret") mounts.set(argText(step.args["path"]), step);
    if (step.field === "withoutMount") mounts.delete(argText(step.args["path"]));
  }
  return mounts;
}

/** The setSecret name a step argument refers to, if it is one. */
function secretName(value: ArgValue | undefined): string | undefined {
  if (!isChainRef(value)) return undefined;
  const first = value.$chain[0];
  return first?.field === "setSecret" ? argText(first.args["name"]) : undefined;
}

/** Every step, in every recorded chain or chain it refers to, whose arguments name a secret. */
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

/** Each example's credentials file, and the scanners' own installs, which a company reaching its registry only through a mirror needs it for too. */
const EXPECTED: Record<ExampleName, { secret: string; path: string; env: string; owner?: string; scanInstalls: string[] }> = {
  "go-service": { secret: "netrc", path: "/tmp/.netrc", env: "NETRC", owner: NON_ROOT_USER, scanInstalls: GO_SCAN_TOOLS.map((tool) => `go install ${tool}`) },
  // osv-scanner runs from its own image: nothing is installed for it.
  "node-service": { secret: "npmrc", path: "/home/node/.npmrc", env: "npm_config_userconfig", owner: "node", scanInstalls: [] },
  "python-service": { secret: "pip-conf", path: "/run/secrets/pip.conf", env: "PIP_CONFIG_FILE", scanInstalls: [`pip install ${PYTHON_SCAN_TOOLS.join(" ")}`] },
};

describe("private registries", () => {
  it.each(Object.keys(EXPECTED) as ExampleName[])("%s: its credentials file is mounted for the installs alone, pointed at by path", async (name) => {
    const expected = EXPECTED[name];
    const { execs } = await withSecrets(copyExample(name), ci);
    // The lifecycle scripts after the source (npm rebuild, prepare) are the project's own code: no credentials, as for its tools.
    const isLifecycle = (argv: readonly string[]) => argv.includes("rebuild") || argv.join(" ").endsWith("run --if-present prepare");
    const installs = execs.filter((e) => !e.tool && !isLifecycle(e.argv));
    const tools = execs.filter((e) => e.tool || isLifecycle(e.argv));
    if (name === "node-service") expect(tools.map((e) => e.argv.join(" "))).toEqual(expect.arrayContaining(["npm rebuild", "npm run --if-present prepare"]));
    expect(installs.length).toBeGreaterThan(0);
    expect(installs.map((e) => e.argv.join(" "))).toEqual(expect.arrayContaining(expected.scanInstalls));
    expect(tools.length).toBeGreaterThan(1);

    for (const install of installs) {
      const mounted = secretMounts(install.chain);
      expect([...mounted.keys()], install.argv.join(" ")).toEqual([expected.path]);
      const mount = mounted.get(expected.path)!;
      expect(secretName(mount.args["source"])).toBe(expected.secret);
      // Readable by the user the install runs as, and by it alone.
      if (expected.owner) expect(mount.args).toMatchObject({ owner: expected.owner, mode: 0o400 });
      expect(envOf(install.chain)[expected.env]).toBe(expected.path);
    }
    for (const tool of tools) {
      expect([...secretMounts(tool.chain).keys()], tool.argv.join(" ")).toEqual([]);
      expect(envOf(tool.chain), tool.argv.join(" ")).not.toHaveProperty(expected.env);
    }
  });

  it("gives GOPRIVATE to the Go download and tools, golangci-lint's included; the .netrc to its download only", async () => {
    const { execs } = await withSecrets(copyExample("go-service", { ".golangci.yml": "linters:\n  enable: [errcheck]\n" }), ci);
    // Every exec that runs Go (the scanners that are not Go programs, gitleaks and semgrep say, have nothing to fetch).
    const goExecs = execs.filter((e) => e.chain.some((s) => s.field === "from" && GO_IMAGES.includes(argText(s.args["address"]))));
    expect(goExecs.map((e) => e.argv[0])).toEqual(expect.arrayContaining(["go", "golangci-lint", "govulncheck", "gosec"]));
    for (const exec of goExecs) expect(envOf(exec.chain)["GOPRIVATE"], exec.argv.join(" ")).toBe("github.com/acme/*");
    // The rest are exactly the scanners in their own images, which fetch no module.
    const others = execs.filter((e) => !goExecs.includes(e));
    expect(new Set(others.map((e) => e.argv[0]))).toEqual(new Set(["gitleaks", "semgrep", "trivy", "hadolint"]));
    for (const exec of others) expect(envOf(exec.chain), exec.argv.join(" ")).not.toHaveProperty("GOPRIVATE");
    const lint = execs.find((e) => e.argv[0] === "golangci-lint")!;
    expect(secretMounts(lint.chain).size).toBe(0);
    const download = lint.chain.filter((s) => s.field === "withExec").at(-2)!;
    expect(download.args["args"]).toEqual(["go", "mod", "download"]);
  });

  it.each(Object.keys(EXPECTED) as ExampleName[])("%s: no secret value anywhere: records, summary, reports; only mounts name a secret", async (name) => {
    const root = copyExample(name);
    const ran = await withSecrets(root, ci);
    const reports = await withSecrets(root, (p, s) => p.reports(undefined, s.npmrc, s.pipConf, s.netrc, "github.com/acme/*"));
    const built = reports.engine.records.filter((r) => r.leaf === "id" && r.steps[0]?.field === "directory").pop()!;
    const everything = [
      JSON.stringify(ran.engine.records),
      JSON.stringify(ran.result ?? null),
      String((ran.error as Error | undefined)?.message ?? ""),
      JSON.stringify(reports.engine.records),
      ...Object.values(newFilesOf(built.steps)),
    ].join("\n");
    expect(Object.keys(newFilesOf(built.steps))).toContain("summary.md");
    for (const marker of Object.values(MARKERS)) expect(everything).not.toContain(marker);
    // The module never asked for a value...
    expect(ran.engine.records.filter((r) => r.leaf === "plaintext")).toEqual([]);
    // ...and hands secrets to nothing but mounts: no withSecretVariable, no secret in an argv or env value.
    for (const records of [ran.engine.records, reports.engine.records]) {
      expect(new Set(stepsUsingSecrets(records).map((s) => s.field))).toEqual(new Set(["withMountedSecret"]));
    }
  });

  it("reaches the installs of bench-baseline and of release's gates too", async () => {
    const root = copyExample("node-service", { "pipeline.yaml": "release:\n  image: ghcr.io/acme/node-service\n" });
    const mountedInstall = (execs: ExecChain[]) => execs.some((e) => !e.tool && secretMounts(e.chain).has("/home/node/.npmrc"));
    const baseline = await withSecrets(root, (p, s) => p.benchBaseline(s.npmrc));
    expect(mountedInstall(baseline.execs)).toBe(true);
    // The tag of the example's own version (package.json), which release checks first.
    const release = await withSecrets(root, (p, s) => p.release("v0.1.0", undefined, undefined, undefined, s.npmrc));
    expect(release.error).toBeUndefined();
    expect(mountedInstall(release.execs)).toBe(true);
  });

  it("mounts nothing when no secret is given", async () => {
    const { engine } = await recordRun(async () => (await pipelineOn(copyExample("node-service"))).ci());
    expect(stepsUsingSecrets(engine.records)).toEqual([]);
    expect(engine.records.some((r) => r.steps.some((s) => s.field === "withMountedSecret" || s.field === "withoutMount"))).toBe(false);
  });
});
