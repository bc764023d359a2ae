import { describe, expect, it } from "vitest";
import type { ExecOutcome } from "../../cli/recording-engine/engine.js";
import { argText, type Step } from "../../cli/recording-engine/query.js";
import { recordRun } from "../../cli/recording-engine/run.js";
import { TIMEOUT_ENV } from "../../pipeline/modules/tool-exit.js";
import { copyExample } from "../helpers/examples.js";
import { pipelineOn } from "../helpers/pipeline.js";
import { envOf, execChainsOf, newFilesOf, type ExecChain } from "../helpers/records.js";

/**
 * A stage's own keys, recorded on the Go example: `before`/`after` around
 * the defaults, `commands` replacing them, a `timeout` on each command, and
 * stages of the user's own with their images, reports and exit codes.
 */

const SEMGREP = "returntocorp/semgrep:1.100.0";

const CONFIG = `stages:
  lint:
    before: [[go, generate, ./...]]
    after: [[go, run, ./cmd/lintcheck]]
  test:
    commands: [[go, test, -count=1, ./...]]
    after: [[go, tool, covdata, percent]]
    timeout: 10m
  propertyTest: { enabled: false }
  scan: { enabled: false }
  bench: { enabled: false }
  security:
    image: ${SEMGREP}
    commands: [[semgrep, scan, --sarif, --output, semgrep.sarif]]
    reports: [semgrep.sarif, missing.txt]
    timeout: 90s
  contract:
    commands: [[go, test, -run, Contract, ./...], [go, run, ./cmd/never]]
`;

const argvOf = (text: string) => text.split(" ");
const same = (a: readonly string[], b: readonly string[]) => a.join("\0") === b.join("\0");

/** Every exec of the run, by its argv as one string (a chain per argv: these tests give each command its own). */
function execsByArgv(chains: readonly ExecChain[]): Map<string, ExecChain> {
  return new Map(chains.map((c) => [c.argv.join(" "), c]));
}

const execsIn = (chain: readonly Step[]) => chain.filter((s) => s.field === "withExec").map((s) => (s.args["args"] as string[]).join(" "));

async function reportsOf(root: string, execOutcome: (argv: readonly string[]) => ExecOutcome | undefined) {
  const fileContents = (path: string) => (path === "/src/semgrep.sarif" ? '{"version":"2.1.0","runs":[]}\n' : undefined);
  const run = await recordRun(async () => (await (await pipelineOn(root)).reports()).id(), { execOutcome, fileContents });
  if (run.error) throw run.error instanceof Error ? run.error : new Error("reports() failed");
  const built = run.engine.records.filter((r) => r.leaf === "id" && r.steps[0]?.field === "directory").pop()!;
  return { files: newFilesOf(built.steps), execs: execsByArgv(execChainsOf(run.engine.records)), executions: await run.engine.executions() };
}

describe("a stage's before, after, commands, timeout, and stages of your own", () => {
  it("adds before and after around the defaults, replaces them with commands, and gives every command the stage's timeout", async () => {
    const { files, execs } = await reportsOf(copyExample("go-service", { "pipeline.yaml": CONFIG }), () => undefined);

    // lint: generate, then the default tools in the container it left, then the after command.
    const vet = execs.get("go vet ./...")!;
    expect(execsIn(vet.chain).slice(-2)).toEqual(["go generate ./...", "go vet ./..."]);
    const after = execs.get("go run ./cmd/lintcheck")!;
    expect(execsIn(after.chain)).toContain("go generate ./...");
    expect(after.tool).toBe(true);
    expect(files["lint/after.txt"]).toContain("$ go run ./cmd/lintcheck");

    // test: the defaults replaced (no coverage run, no race detector), the after command still run.
    expect([...execs.keys()].some((argv) => argv.startsWith("go test") && argv.includes("-coverprofile"))).toBe(false);
    const tests = execs.get("go test -count=1 ./...")!;
    expect(envOf(tests.chain)[TIMEOUT_ENV]).toBe("600");
    expect(envOf(execs.get("go tool covdata percent")!.chain)[TIMEOUT_ENV]).toBe("600");
    // A stage without a timeout sets none.
    expect(envOf(vet.chain)[TIMEOUT_ENV]).toBeUndefined();

    const summary = files["summary.md"]!;
    expect(summary).toMatch(/\| test \| ✅ passed \|/);
    expect(summary).toContain("- go test -count=1 ./...: ok");
    expect(summary).toContain("- after: go tool covdata percent: ok");
  });

  it("runs a stage of your own in its image beside the built-in ones, with its reports, and a missing one said", async () => {
    const { files, execs, executions } = await reportsOf(copyExample("go-service", { "pipeline.yaml": CONFIG }), () => undefined);
    const semgrep = execs.get("semgrep scan --sarif --output semgrep.sarif")!;
    expect(semgrep.chain.find((s) => s.field === "from")?.args["address"]).toBe(SEMGREP);
    const copy = semgrep.chain.find((s) => s.field === "withDirectory")!;
    expect(argText(copy.args["path"])).toBe("/src");
    expect(envOf(semgrep.chain)[TIMEOUT_ENV]).toBe("90");
    // No install, no toolchain: the image's own tools on the project.
    expect(execsIn(semgrep.chain)).toEqual(["semgrep scan --sarif --output semgrep.sarif"]);

    expect(files["security/semgrep.sarif"]).toBe('{"version":"2.1.0","runs":[]}\n');
    expect(files["security/output.txt"]).toContain("$ semgrep scan --sarif --output semgrep.sarif");
    expect(files["summary.md"]).toContain("- report missing.txt was not written");
    expect(files["summary.md"]).toMatch(/\| security \| ✅ passed \|/);

    // Stages of your own start with the built-in ones: semgrep (nothing to install) beside the Go install, and the
    // toolchain-container stage beside lint's before command, both right after that install.
    const waveOf = (argv: string) => executions.filter((e) => same(e.args, argvOf(argv))).map((e) => e.wave);
    expect(waveOf("semgrep scan --sarif --output semgrep.sarif")).toEqual(waveOf("go mod download"));
    expect(waveOf("go test -run Contract ./...")).toEqual(waveOf("go generate ./..."));
  });

  it("fails a stage of your own with its command's exit code and lines, stops its later commands, and keeps every other stage", async () => {
    const failing = (argv: readonly string[]) =>
      same(argv, argvOf("go test -run Contract ./...")) ? { exitCode: 3, stdout: "--- FAIL: TestContract (0.01s)\n    contract_test.go:9: want 200, got 500\nFAIL\n" } : undefined;
    const { files, execs } = await reportsOf(copyExample("go-service", { "pipeline.yaml": CONFIG }), failing);
    expect(execs.has("go run ./cmd/never")).toBe(false);
    const summary = files["summary.md"]!;
    expect(summary).toMatch(/\*\*❌ Failed\*\*: contract \(1 of \d+ stages\)/);
    expect(summary).toContain("go test -run Contract ./... exited with code 3");
    expect(summary).toContain("contract_test.go:9: want 200, got 500");
    expect(files["contract/output.txt"]).toContain("exit code 3");
    for (const stage of ["lint", "test", "security"]) expect(summary).toMatch(new RegExp(`\\| ${stage} \\| ✅ passed \\|`));
  });

  it("ends a command at the stage's timeout with a clear message, and keeps what it wrote", async () => {
    const timedOut = (argv: readonly string[]) =>
      same(argv, argvOf("go test -count=1 ./...")) ? { exitCode: 124, stdout: "=== RUN   TestSlow\n", stderr: "partial\n\npipeline: the tool timed out after 600 seconds\n" } : undefined;
    const { files, execs } = await reportsOf(copyExample("go-service", { "pipeline.yaml": CONFIG }), timedOut);
    const summary = files["summary.md"]!;
    expect(summary).toContain("go test -count=1 ./... timed out after 10m (the stage's timeout): stopped, with the output so far");
    expect(summary).toMatch(/\| test \| ❌ failed \|/);
    expect(files["test/output.txt"]).toContain("=== RUN   TestSlow");
    expect(files["test/output.txt"]).toContain("exit code 124: timed out after 10m");
    // A timed-out stage runs no after command.
    expect(execs.has("go tool covdata percent")).toBe(false);
  });
});
