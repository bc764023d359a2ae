import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { planFunction } from "../../cli/commands/plan.js";
import type { PlanDocument } from "../../cli/plan/document.js";
import { IMAGES } from "../../pipeline/modules/pins.js";
import { TOOL_INPUT_EXCLUDES } from "../../pipeline/modules/project.js";
import { copyExample, examplePath, tempDir } from "../helpers/examples.js";
import { cli } from "../helpers/cli.js";

describe("pipeline plan", () => {
  it("prints the container graph of ci with the stages grouped as concurrent", async () => {
    const { code, out } = await cli("plan", "ci", "--source", examplePath("go-service"));
    expect(code).toBe(0);
    // Lint (vet, gofmt), the tests and the package listing, beside the scan: trivy, hadolint, semgrep, gitleaks, and
    // govulncheck and gosec in the toolchain's container, each built apart (go install) so the build runs beside the download;
    // and the integration stage's two package listings (with and without its build tag).
    expect(out).toMatch(/^Group 1 \(14 containers run concurrently\):$/m);
    // The property tests follow the package listing that finds testing/quick users.
    const second = out.slice(out.indexOf("Group 2 (1 container):"), out.indexOf("Group 3 (1 container):"));
    expect(second).toContain("exec    go test -run '^(TestProperty|Fuzz)' -json ./...");
    // The benchmarks run alone, after every other stage; once each, with no baseline committed.
    const third = out.slice(out.indexOf("Group 3 (1 container):"));
    expect(third).toContain("exec    go test -run '^$' -bench . -benchmem -count 1 ./...");
    expect(third).not.toMatch(/^Group 4/m);
    expect(out).toMatch(new RegExp(`^  ∥\\d+ \\[test\\] ${IMAGES.go}$`, "m"));
    expect(out).toContain('cache   /go/pkg/mod ← cache volume "go-mod"');
    // The manifests first (modules/go decides the full list), so editing code reuses the download.
    expect(out).toMatch(/^ +copy {4}\/src ← source:\. \(exclude [^)]*\) \[include go\.mod, go\.sum[,;\]]/m);
    // The tools' copies say what they leave out of the source (pipeline.yaml's toolInputs).
    const leftOut = `exclude ${TOOL_INPUT_EXCLUDES.slice(0, 3).join(", ")} and ${TOOL_INPUT_EXCLUDES.length - 3} more`;
    expect(out).toContain(`← source:. (${leftOut}) [owner 65532:65532]`);
    expect(out).toContain("env     PROPERTY_ITERATIONS");
    // Execs in order within a container: the dependency step before the stage's own command.
    const container = out.slice(out.indexOf("go mod download"));
    expect(container.indexOf("go mod download")).toBeLessThan(container.indexOf("exec    go"));
    expect(out).toContain("exec    go test -race -covermode=atomic -coverprofile=/tmp/coverage.out -json ./...");
    expect(out).toContain("reads   ");
  });

  it("is deterministic: two plans of the same tree are identical", async () => {
    const a = await planFunction({ fn: "ci", source: examplePath("python-service") });
    const b = await planFunction({ fn: "ci", source: examplePath("python-service") });
    expect(JSON.stringify(a.document)).toBe(JSON.stringify(b.document));
  });

  it("shows secret names and publishes but never a secret's value", async () => {
    const root = copyExample("go-service", { "pipeline.yaml": "release:\n  image: ghcr.io/acme/go-service\nstages:\n  test: { coverageThreshold: 0 }\n" });
    process.env["PLAN_TEST_TOKEN"] = "s3cr3t-value-never-shown";
    const { code, out } = await cli("plan", "release", "--source", root, "--json", "--tag", "v1.2.0", "--registry-token", "env://PLAN_TEST_TOKEN");
    expect(code).toBe(0);
    expect(out).not.toContain("s3cr3t-value-never-shown");
    const plan = JSON.parse(out) as PlanDocument;
    expect(plan.outcome.ok).toBe(true);
    expect(plan.publishes.map((p) => p.address).sort()).toEqual(["1", "1.2", "1.2.0", "latest"].map((t) => `ghcr.io/acme/go-service:${t}`));
    for (const publish of plan.publishes) {
      expect(publish.platforms).toEqual(["linux/amd64", "linux/arm64"]);
      expect(publish.registryAuth).toEqual([{ address: "ghcr.io", username: "pipeline", secret: { secret: "env://PLAN_TEST_TOKEN" } }]);
    }
    expect(plan.arguments).toEqual({ tag: "v1.2.0", "registry-token": { secret: "env://PLAN_TEST_TOKEN" } });
  });

  it("prints JSON with the same graph", async () => {
    const { code, out } = await cli("plan", "test", "--source", examplePath("node-service"), "--json");
    expect(code).toBe(0);
    const plan = JSON.parse(out) as PlanDocument;
    expect(plan.function).toBe("test");
    const containers = plan.groups.flatMap((g) => g.containers);
    expect(containers.map((c) => c.image)).toContain(IMAGES.node);
    expect(containers.flatMap((c) => c.execs).some((e) => e.user === "node" && e.argv[0] === "npm")).toBe(true);
  });

  it("exits 1 with the config problem for an invalid pipeline.yaml, 2 for an unknown function", async () => {
    const root = copyExample("python-service");
    writeFileSync(join(root, "pipeline.yaml"), "stages:\n  bench:\n    count: many\n");
    const invalid = await cli("plan", "ci", "--source", root);
    expect(invalid.code).toBe(1);
    expect(invalid.err).toContain("pipeline.yaml:3:12 stages.bench.count: expected number, got string \"many\"");
    // The module names the file within the source; the CLI says which source.
    expect(invalid.err).toMatch(new RegExp(`^error: ${root}: pipeline\\.yaml is invalid:\n`));
    const unknown = await cli("plan", "deploy-everything", "--source", root);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('unknown function "deploy-everything"');
    expect(unknown.err).toContain("bench-baseline");
    const badArg = await cli("plan", "ci", "--source", root, "--arg", "tag=v1.0.0");
    expect(badArg.code).toBe(2);
    expect(badArg.err).toContain("ci has no argument --tag.");
  });

  it("prints why the function fails, after the summary table: the failing stage's reason and fix", async () => {
    // A directory where the benchmark baseline belongs fails the bench stage, with a reason the table alone lacks.
    const root = copyExample("go-service");
    mkdirSync(join(root, ".pipeline/bench-baseline.json"), { recursive: true });
    const { code, out } = await cli("plan", "ci", "--source", root);
    expect(code).toBe(1);
    const sections = out.slice(out.indexOf("the function fails:")).split(/^ {2}## /m).slice(1);
    const bench = sections.find((s) => s.startsWith("❌ bench"));
    expect(bench).toContain('stages.bench.baseline ".pipeline/bench-baseline.json" is a directory, not a baseline file.');
    expect(bench).toContain("Fix: remove or rename the folder .pipeline/bench-baseline.json");
  });

  it("exits 1 before running anything when pipeline.yaml names a language whose manifest is missing", async () => {
    const root = copyExample("go-service", { "pipeline.yaml": "language: node\n" });
    const { code, out, err } = await cli("plan", "ci", "--source", root);
    expect(code).toBe(1);
    expect(out).toBe("");
    expect(err).toContain('pipeline.yaml: language "node", but the repository root has no package.json (its files look like a go project).');
    expect(err).toContain("Fix: correct language (or remove it, to detect the language), or point workdir at the folder with the package.json.");
  });

  it("exits 1 naming pipeline.yaml when it is a directory", async () => {
    const root = copyExample("go-service");
    mkdirSync(join(root, "pipeline.yaml"));
    const { code, err } = await cli("plan", "ci", "--source", root);
    expect(code).toBe(1);
    expect(err).toContain(`error: ${root}: pipeline.yaml is a directory, not a file.\n  Fix: remove or rename the pipeline.yaml/ folder`);
  });

  it("sees the source as `dagger call` uploads it, without the module's ignore list", async () => {
    // Without its own test script, the pipeline picks the test files itself: the files it sees show in the exec.
    const pkg = JSON.parse(readFileSync(join(examplePath("node-service"), "package.json"), "utf8"));
    delete pkg.scripts.test;
    const root = copyExample("node-service", { "package.json": JSON.stringify(pkg) });
    for (const dir of ["reports", "pipeline/sdk", ".hypothesis", ".venv/lib", ".ruff_cache", "lib"]) {
      mkdirSync(join(root, dir), { recursive: true });
      writeFileSync(join(root, dir, "x.test.ts"), "");
    }
    const { code, out } = await cli("plan", "test", "--source", root);
    expect(code).toBe(0);
    const exec = out.split("\n").find((line) => line.includes("exec    node --import tsx --test"))!;
    expect(exec).toContain("lib/x.test.ts test/server.test.ts");
    for (const ignored of ["reports/", "pipeline/sdk/", ".hypothesis/", ".venv/", ".ruff_cache/"]) expect(exec).not.toContain(ignored);
  });

  it("never reads a host file outside the source, even through a symlink", async () => {
    const outside = join(tempDir("plan-outside-"), "pipeline.yaml");
    writeFileSync(outside, "language: [outside-marker\n");
    const root = copyExample("go-service");
    symlinkSync(outside, join(root, "pipeline.yaml"));
    const { code, out } = await cli("plan", "ci", "--source", root);
    expect(code).toBe(1);
    expect(out).toContain(`pipeline.yaml resolves outside the host directory ${root}`);
    expect(out).not.toContain("outside-marker");
  });
});
