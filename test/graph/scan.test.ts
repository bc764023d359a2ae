import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dag } from "@dagger.io/dagger";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import type { ExecOutcome } from "../../cli/recording-engine/engine.js";
import { argText } from "../../cli/recording-engine/query.js";
import { recordRun } from "../../cli/recording-engine/run.js";
import { importFromRuntimeView } from "../../cli/runtime-view/load.js";
import * as goArgs from "../../pipeline/modules/go/args.js";
import { NON_ROOT_HOME, NON_ROOT_USER } from "../../pipeline/modules/non-root.js";
import { GO_SCAN_TOOLS, IMAGES, PYTHON_SCAN_TOOLS } from "../../pipeline/modules/pins.js";
import * as args from "../../pipeline/modules/scan/args.js";
import { bundledRulesFile } from "../../pipeline/modules/scan/semgrep-rules.js";
import { TOOL_ENTRYPOINT } from "../../pipeline/modules/tool-exit.js";
import { copyExample, examplePath } from "../helpers/examples.js";
import { execKeys } from "../helpers/exec-keys.js";
import { haveFixtures, readFixture } from "../helpers/fixtures.js";
import { pipelineOn, reportFiles, stageSummary } from "../helpers/pipeline.js";
import { chainOf, envOf, wavesOf } from "../helpers/records.js";
import { isScanExec } from "../helpers/scan.js";
import { testsRan } from "../../cli/recording-engine/tests-ran.js";

/**
 * Recorded graphs of the scan stage: each scanner's image, user, caches,
 * inputs and argv; where it sits in ci's waves; and what its verdict and
 * reports are when a scanner fails, cannot reach its database, or finds
 * something the ignore file accepts.
 */

const GITLEAKS_DIR = args.gitleaksArgs("dir", args.REPORTS.gitleaksDir);
const GITLEAKS_GIT = args.gitleaksArgs("git", args.REPORTS.gitleaksGit);
const SEMGREP = args.semgrepArgs({ rulesFile: args.BUNDLED_RULES_FILE, projectRules: false, report: args.REPORTS.semgrep });
const TRIVY = args.trivyConfigArgs(args.REPORTS.trivy, args.CACHES.trivy);
const HADOLINT = args.hadolintArgs(["Dockerfile"]);
const GOVULNCHECK = args.govulncheckArgs("https://vuln.go.dev");
const GOSEC = args.gosecArgs(args.REPORTS.gosec);

const cacheMounts = (chain: ReturnType<typeof chainOf>) =>
  chain.filter((s) => s.field === "withMountedCache").map((s) => [s.args["path"], (s.args["cache"] as { $chain: { args: { key: string } }[] }).$chain[0]!.args.key, s.args["owner"]]);
const userOf = (chain: ReturnType<typeof chainOf>) => chain.filter((s) => s.field === "withUser").at(-1)?.args["name"];

describe("scan graph: Go", () => {
  it("runs each scanner in its pinned image as the non-root user, its cache in a volume, its argv unwrapped", async () => {
    const { engine, error } = await recordRun(async () => (await pipelineOn(examplePath("go-service"))).scan());
    expect(error).toBeUndefined(); // empty outputs: every scanner "exited 0 without a report", so the stage is skipped
    for (const [argv, image] of [[GITLEAKS_DIR, IMAGES.gitleaks], [SEMGREP, IMAGES.semgrep], [TRIVY, IMAGES.trivy], [HADOLINT, IMAGES.hadolint], [GOVULNCHECK, IMAGES.go], [GOSEC, IMAGES.go]] as const) {
      const chain = chainOf(engine.records, argv);
      expect(chain[1], argv[0]).toEqual({ field: "from", args: { address: image } });
      expect(userOf(chain), argv[0]).toBe(NON_ROOT_USER);
      expect(envOf(chain)["HOME"], argv[0]).toBe(NON_ROOT_HOME);
      expect(chain.at(-2)).toEqual({ field: "withEntrypoint", args: { args: [...TOOL_ENTRYPOINT] } });
      expect(chain.at(-1)!.args).toEqual({ args: [...argv], useEntrypoint: true, expect: "ANY" });
    }
    // gitleaks reads the whole repository at /repo, owned by the user it runs as.
    const gitleaks = chainOf(engine.records, GITLEAKS_DIR);
    expect(gitleaks.find((s) => s.field === "withDirectory")?.args).toMatchObject({ path: args.REPOSITORY_ROOT, owner: NON_ROOT_USER });
    // semgrep's bundled rules are written outside the scanned tree; no registry, no metrics, no version check.
    const semgrep = chainOf(engine.records, SEMGREP);
    expect(semgrep.find((s) => s.field === "withNewFile")?.args).toEqual({ path: args.BUNDLED_RULES_FILE, contents: bundledRulesFile() });
    expect(envOf(semgrep)).toMatchObject({ SEMGREP_SEND_METRICS: "off", SEMGREP_ENABLE_VERSION_CHECK: "0" });
    expect(SEMGREP.join(" ")).not.toMatch(/\bp\/|--config auto|r\//);
    expect(cacheMounts(chainOf(engine.records, TRIVY))).toEqual([[args.CACHES.trivy, "trivy", NON_ROOT_USER]]);
    // govulncheck and gosec run on the Go toolchain's container (modules downloaded, the source, the caches), their binary copied in.
    for (const [argv, tool] of [[GOVULNCHECK, GO_SCAN_TOOLS[0]], [GOSEC, GO_SCAN_TOOLS[1]]] as const) {
      const chain = chainOf(engine.records, argv);
      expect(cacheMounts(chain)).toEqual([["/go/pkg/mod", "go-mod", NON_ROOT_USER], ["/cache/go-build", "go-build", NON_ROOT_USER]]);
      expect(chain.filter((s) => s.field === "withExec").map((s) => argText(s.args["args"]))).toEqual([JSON.stringify(["go", "mod", "download"]), JSON.stringify(argv)]);
      const copied = chain.find((s) => s.field === "withFile")!;
      expect(copied.args["path"]).toBe(`/usr/local/bin/${argv[0]}`);
      // ...built apart, from the pinned module version alone, by the non-root user into a folder it may write.
      const build = (copied.args["source"] as { $chain: { field: string; args: Record<string, unknown> }[] }).$chain;
      expect(build[1]).toEqual({ field: "from", args: { address: IMAGES.go } });
      expect(build.find((s) => s.field === "withExec")?.args["args"]).toEqual(["go", "install", tool]);
      expect(build.some((s) => s.field === "withDirectory")).toBe(false);
      expect(build.at(-1)).toEqual({ field: "file", args: { path: `/tmp/go-tools/${argv[0]}` } });
    }
  });

  it("runs the scanners beside the other stages in ci: no wave later than theirs, bench still after all", async () => {
    const { engine } = await recordRun(async () => (await pipelineOn(examplePath("go-service"))).ci());
    const executions = await engine.executions();
    const [download, unit, bench] = wavesOf(executions, ["go", "mod", "download"], goArgs.unitTestArgs({ race: true }), goArgs.benchArgs(1));
    const scanWaves = wavesOf(executions, GITLEAKS_DIR, SEMGREP, TRIVY, HADOLINT, GOVULNCHECK, GOSEC);
    // The scanners that need no dependencies start in the first wave; govulncheck and gosec with the tests.
    expect(wavesOf(executions, GITLEAKS_DIR, SEMGREP, TRIVY, HADOLINT)).toEqual([download, download, download, download]);
    expect(wavesOf(executions, GOVULNCHECK, GOSEC)).toEqual([unit, unit]);
    // Their builds run beside the download, not after it.
    expect(wavesOf(executions, ["go", "install", GO_SCAN_TOOLS[0]], ["go", "install", GO_SCAN_TOOLS[1]])).toEqual([download, download]);
    const others = executions.filter((e) => !isScanExec(e.args) && e.args.join(" ") !== goArgs.benchArgs(1).join(" "));
    expect(Math.max(...scanWaves)).toBeLessThanOrEqual(Math.max(...others.map((e) => e.wave)));
    expect(bench).toBeGreaterThan(Math.max(...scanWaves));
  });

  it("builds the same execs from an unchanged tree, so a second run hits every cache", async () => {
    const keys = async () => execKeys((await recordRun(async () => (await pipelineOn(examplePath("go-service"))).scan())).engine.records);
    const [first, second] = [await keys(), await keys()];
    expect(first.length).toBeGreaterThan(6);
    expect(second).toEqual(first);
  });

  it("scans the history too when the source has its .git, and says so when it has none", async () => {
    const root = copyExample("go-service");
    const plain = await recordRun(async () => stageSummary(root, "scan"));
    expect(plain.engine.executedCommands()).not.toContainEqual(GITLEAKS_GIT);
    mkdirSync(join(root, ".git"));
    writeFileSync(join(root, ".git/HEAD"), "ref: refs/heads/main\n");
    const withGit = await recordRun(async () => stageSummary(root, "scan"), {
      fileContents: (path) => (path === args.REPORTS.gitleaksDir || path === args.REPORTS.gitleaksGit ? "[]" : undefined),
    });
    expect(withGit.engine.executedCommands()).toContainEqual(GITLEAKS_GIT);
    expect(withGit.engine.executedCommands()).toContainEqual(GITLEAKS_DIR);
    const noGit = await recordRun(async () => stageSummary(examplePath("go-service"), "scan"), {
      fileContents: (path) => (path === args.REPORTS.gitleaksDir ? "[]" : undefined),
    });
    const files = await reportFiles(examplePath("go-service"), { fileContents: (path) => (path === args.REPORTS.gitleaksDir ? "[]" : undefined) });
    expect(noGit.result).toContain("gitleaks: no findings");
    expect(files["scan/summary.md"]).toContain("- gitleaks: history not scanned: no .git was given (with --source=., pass --git=. too, to scan every commit)");
  });

  it("lays the --git checkout's .git over the history scan's tree alone: the tree scan never sees it, so history alone does not re-run it", async () => {
    const root = copyExample("go-service");
    const git = (...argv: string[]) => execa("git", ["-C", root, "-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", ...argv]);
    await git("init", "--quiet");
    await git("add", "--all");
    await git("commit", "--quiet", "--message", "base");
    const { engine } = await recordRun(
      async () => {
        const { Pipeline } = await importFromRuntimeView();
        // As `dagger call --source=. --git=.` uploads them: the source without .git, the checkout's .git alone.
        return new Pipeline(dag.host().directory(root, { exclude: [".git"] }), dag.host().directory(root, { exclude: ["*", "!.git"] })).scan();
      },
      { fileContents: (path) => (path === args.REPORTS.gitleaksDir || path === args.REPORTS.gitleaksGit ? "[]" : undefined) },
    );
    const copies = (argv: readonly string[]) => chainOf(engine.records, argv).filter((s) => s.field === "withDirectory" || s.field === "withoutDirectory");
    expect(copies(GITLEAKS_DIR).map((s) => [s.field, s.args["path"], s.args["include"]])).toEqual([["withDirectory", args.REPOSITORY_ROOT, undefined]]);
    expect(copies(GITLEAKS_GIT).map((s) => [s.field, s.args["path"], s.args["include"]])).toEqual([
      ["withDirectory", args.REPOSITORY_ROOT, undefined],
      ["withDirectory", args.REPOSITORY_ROOT, [".git/**"]],
    ]);
  });

  it.skipIf(!haveFixtures)("keeps every report when one scanner fails, and says which could not scan and why", async () => {
    const outcome = (argv: readonly string[]): ExecOutcome | undefined => {
      if (argv[0] === "semgrep") return { exitCode: 7, stderr: "[ERROR] invalid configuration file found (1 configs were invalid)\n" };
      if (argv[0] === "govulncheck") return { exitCode: 1, stderr: "govulncheck: fetching vulnerabilities: Get \"https://vuln.go.dev/index/modules.json.gz\": dial tcp: lookup vuln.go.dev: no such host\n" };
      return undefined;
    };
    const fileContents = (path: string) => (path === args.REPORTS.gitleaksDir ? readFixture("gitleaks/report.json") : path === args.REPORTS.trivy ? readFixture("trivy/repo-dockerfile-misconfig.json") : undefined);
    const root = examplePath("go-service");
    const { error } = await recordRun(async () => (await pipelineOn(root)).ci(), testsRan({ execOutcome: outcome, fileContents }));
    const message = String((error as Error).message);
    expect(message).toContain("❌ Failed**: scan (1 of 6 stages)");
    expect(message).toContain("scan gate failed: 2 findings at high or above (1 critical, 1 high); govulncheck, semgrep could not scan");
    expect(message).toContain(`govulncheck could not scan: ${GOVULNCHECK.join(" ")} exited with code 1; its database or network could not be reached: govulncheck: fetching vulnerabilities:`);
    expect(message).toContain(`semgrep could not scan: ${SEMGREP.join(" ")} exited with code 7`);
    expect(message).toContain("CRITICAL gitleaks test-rule auth.py:1: test-rule secret found in the working tree");
    expect(message).toContain("HIGH trivy DS-0002 Dockerfile: Specify at least 1 USER command in Dockerfile with non-root user as argument");
    // The secret's value never reaches the summary.
    expect(message).not.toContain("a secret");
    expect(message).not.toContain("line containing secret");

    const files = await reportFiles(root, { execOutcome: outcome, fileContents });
    expect(Object.keys(files).filter((f) => f.startsWith("scan/")).sort()).toEqual([
      "scan/gl-dependency-scanning-report.json",
      "scan/gl-sast-report.json",
      "scan/gl-secret-detection-report.json",
      "scan/scan.sarif",
      "scan/summary.md",
    ]);
    expect(files["test/junit.xml"]).toBeDefined();
    const sarif = JSON.parse(files["scan/scan.sarif"]!) as { runs: { tool: { driver: { name: string } }; invocations: { executionSuccessful: boolean; toolExecutionNotifications?: { message: { text: string } }[] }[] }[] };
    const byTool = Object.fromEntries(sarif.runs.map((r) => [r.tool.driver.name, r.invocations[0]!]));
    expect(byTool["gitleaks"]).toEqual({ executionSuccessful: true });
    expect(byTool["semgrep"]!.executionSuccessful).toBe(false);
    expect(byTool["govulncheck"]!.toolExecutionNotifications![0]!.message.text).toContain("dial tcp: lookup vuln.go.dev: no such host");
    expect(JSON.parse(files["scan/gl-dependency-scanning-report.json"]!)).toMatchObject({ scan: { status: "failure", messages: [{ level: "fatal", value: expect.stringContaining("govulncheck") }] } });
    expect(files["scan/summary.md"]).toContain("| semgrep | sast | 0 | 0 | 0 | 0 | 0 | 0 | ❌ could not scan |");
  });

  it.skipIf(!haveFixtures)("passes once the ignore file accepts the findings, listing them as ignored; a broken entry fails the scan alone, naming its line", async () => {
    const fileContents = (path: string) => (path === args.REPORTS.gitleaksDir ? readFixture("gitleaks/report.json") : undefined);
    const accepted = copyExample("go-service", {
      ".pipeline/scan-ignore.yaml": "ignore:\n  - id: test-rule\n    path: auth.py\n    reason: a test key of the fixture, revoked long ago\n    expires: 2999-01-01\n",
    });
    const passed = await recordRun(async () => stageSummary(accepted, "scan"), { fileContents });
    expect(passed.result).toContain("scan gate passed: no finding at high or above (1 finding in all; 1 ignored by the ignore file)");
    expect((await reportFiles(accepted, { fileContents }))["scan/summary.md"]).toContain("| critical | gitleaks | test-rule | auth.py:1 | a test key of the fixture, revoked long ago | 2999-01-01 |");

    const expired = copyExample("go-service", {
      "pipeline.yaml": "workdir: .\nstages:\n  scan: { ignoreFile: security/accepted.yaml }\n",
      "security/accepted.yaml": "ignore:\n  - id: test-rule\n    path: auth.py\n    reason: a test key of the fixture, revoked long ago\n    expires: 2020-01-31\n",
    });
    const { error } = await recordRun(async () => (await pipelineOn(expired)).ci(), testsRan({ fileContents }));
    const message = String((error as Error).message);
    expect(message).toContain("❌ Failed**: scan (1 of 6 stages)");
    expect(message).toMatch(/security\/accepted\.yaml:5:14 ignore\[0\]\.expires: the entry for test-rule expired on 2020-01-31 \(today is \d{4}-\d{2}-\d{2}\)/);
  });

  it("leaves a scanner out when pipeline.yaml turns it off, and the stage when it is disabled", async () => {
    const root = copyExample("go-service", { "pipeline.yaml": "stages:\n  scan:\n    tools: { gosec: false, trivy: false }\n" });
    const { engine, result } = await recordRun(async () => stageSummary(root, "scan"));
    const commands = engine.executedCommands().map((c) => c[0]);
    expect(commands).not.toContain("gosec");
    expect(commands).not.toContain("trivy");
    expect(commands).toContain("gitleaks");
    expect(result).toContain("gosec: not run (disabled in pipeline.yaml (stages.scan.tools.gosec))");
    const off = copyExample("go-service", { "pipeline.yaml": "stages:\n  scan: { enabled: false }\n" });
    const disabled = await recordRun(async () => (await pipelineOn(off)).ci());
    expect(disabled.engine.executedCommands().filter(isScanExec)).toEqual([]);
  });
});

describe("scan graph: Node and Python", () => {
  it("runs osv-scanner on the Node lockfile alone, its offline database in a cache volume", async () => {
    const { engine } = await recordRun(async () => stageSummary(examplePath("node-service"), "scan"));
    const argv = args.osvScannerArgs("package-lock.json");
    const chain = chainOf(engine.records, argv);
    expect(chain[1]).toEqual({ field: "from", args: { address: IMAGES.osvScanner } });
    expect(userOf(chain)).toBe(NON_ROOT_USER);
    expect(cacheMounts(chain)).toEqual([[args.CACHES.osvScanner, "osv-scanner", NON_ROOT_USER]]);
    expect(envOf(chain)).toMatchObject({ OSV_SCANNER_LOCAL_DB_CACHE_DIRECTORY: args.CACHES.osvScanner });
    expect(chain.find((s) => s.field === "withDirectory")?.args["include"]).toEqual([...args.NODE_LOCKFILES, "package.json"]);
    expect(engine.executedCommands()).toContainEqual(SEMGREP);
    expect(engine.executedCommands().map((c) => c[0])).not.toContain("govulncheck");
  });

  it("installs bandit and pip-audit into the Python image, then runs them unprivileged: pip-audit per manifest", async () => {
    const root = copyExample("python-service", { "requirements.txt": "requests==2.32.3\n" });
    const { engine } = await recordRun(async () => stageSummary(root, "scan"));
    const bandit = chainOf(engine.records, args.banditArgs(args.REPORTS.bandit));
    expect(bandit[1]).toEqual({ field: "from", args: { address: IMAGES.python } });
    const install = bandit.findIndex((s) => s.field === "withExec");
    expect(bandit[install]!.args["args"]).toEqual(["pip", "install", ...PYTHON_SCAN_TOOLS]);
    expect(bandit.findIndex((s) => s.field === "withUser")).toBeGreaterThan(install);
    expect(userOf(bandit)).toBe(NON_ROOT_USER);
    const audits = engine.executedCommands().filter((c) => c[0] === "pip-audit");
    expect(audits).toEqual([
      args.pipAuditArgs({ requirements: "requirements.txt" }, args.REPORTS.pipAudit(0), args.CACHES.pipAudit),
      args.pipAuditArgs({ requirements: "requirements-dev.txt" }, args.REPORTS.pipAudit(1), args.CACHES.pipAudit),
      args.pipAuditArgs({ project: "." }, args.REPORTS.pipAudit(2), args.CACHES.pipAudit),
    ]);
    const audit = chainOf(engine.records, audits[0]!);
    expect(cacheMounts(audit)).toEqual([["/cache/pip", "pip", undefined], [args.CACHES.pipAudit, "pip-audit", NON_ROOT_USER]]);
    // Only the manifests are copied: editing code reruns no audit.
    expect(audit.filter((s) => s.field === "withDirectory").map((s) => s.args["include"])).toEqual([["requirements.txt", "requirements-dev.txt", "pyproject.toml", "requirements/**", "constraints*.txt"]]);
  });
});
