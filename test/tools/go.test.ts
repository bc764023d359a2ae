import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { REAL_TOOL_TIMEOUT } from "../helpers/run-locally.js";
import * as args from "../../pipeline/modules/go/args.js";
import { benchGate, compareBenchmarks, parseGoBench, serializeBaseline } from "../../pipeline/modules/report/bench.js";
import type { BenchmarkSamples } from "../../pipeline/modules/report/model.js";
import { parseGoCoverprofile } from "../../pipeline/modules/report/coverage.js";
import { parseGoTestJson } from "../../pipeline/modules/report/go-test-json.js";
import { benchVerdict, lintVerdict, testVerdict } from "../../pipeline/modules/verdicts.js";
import { NON_ROOT_HOME, NON_ROOT_USER } from "../../pipeline/modules/non-root.js";
import { copyExample, tempDir } from "../helpers/examples.js";
import { asUser, canRunAsOtherUser } from "../helpers/run-locally.js";

/**
 * The Go toolchain's exact commands (modules/go/args.ts), run with the Go
 * installed here on copies of examples/go-service, their real outputs going
 * through the real parsers, gates and verdicts.
 */

const go = await execa("go", ["version"], { reject: false }).catch(() => undefined);
const haveGo = go?.exitCode === 0;
if (!haveGo) console.warn("skipping Go real-tool tests: no `go` on PATH (install a current Go from go.dev/dl; Debian 12's golang-go is 1.19)");
/** Go 1.24+ reports a package that does not build as JSON events (build-output, build-fail) and exits 1; older Go prints plain text and exits 2. */
const goMinor = Number(/\bgo1\.(\d+)/.exec(String(go?.stdout))?.[1] ?? 0);
const buildEvents = goMinor >= 24;

/** Runs argv like the container does: in the project root, a non-zero exit read rather than thrown. */
async function run(cwd: string, argv: string[], env: Record<string, string> = {}) {
  const result = await execa(argv[0]!, argv.slice(1), { cwd, reject: false, env: { GOFLAGS: "-mod=mod", GOPROXY: "off", ...env } });
  return { argv, exitCode: result.exitCode ?? 1, stdout: String(result.stdout), stderr: String(result.stderr), files: {} };
}


/** The bench stage's own verdict on a current run against a baseline, through the committed file format. */
function benchStageVerdict(baseline: BenchmarkSamples[], current: BenchmarkSamples[]) {
  const gate = { count: 6, thresholdPercent: 10, alpha: 0.05, baselinePath: "bench-baseline.json", baselineText: serializeBaseline(baseline) };
  return benchVerdict({ run: { argv: ["bench"], exitCode: 0, stdout: "", stderr: "", files: {} }, current, gate });
}

describe.skipIf(!haveGo)("go toolchain with the real go", REAL_TOOL_TIMEOUT, () => {
  it("runs the unit tests with the race detector and atomic coverage, into JUnit and a passing gate", async () => {
    const root = copyExample("go-service");
    const coverprofile = join(root, "coverage.out");
    const testRun = await run(root, args.unitTestArgs({ race: true, coverprofile }));
    expect(testRun.exitCode).toBe(0);
    const suites = parseGoTestJson(testRun.stdout);
    const cases = suites.flatMap((s) => s.tests);
    expect(cases.length).toBeGreaterThan(5);
    expect(cases.every((t) => t.status === "passed")).toBe(true);
    expect(cases.map((t) => t.name)).toContain("TestPropertyStringRoundTrips");

    const modulePath = args.goModulePath(readFileSync(join(root, "go.mod"), "utf8"));
    expect(modulePath).toBe("example.com/go-service");
    const coverage = parseGoCoverprofile(readFileSync(coverprofile, "utf8"), { modulePath });
    // Repository-relative paths, as Cobertura consumers match them.
    for (const file of coverage.files) expect(existsSync(join(root, file.path)), file.path).toBe(true);
    expect(readFileSync(coverprofile, "utf8")).toMatch(/^mode: atomic\n/);
    expect(coverage.percent).toBeGreaterThan(50);
    // The percentage agrees with Go's own total.
    const func = await run(root, ["go", "tool", "cover", `-func=${coverprofile}`]);
    const total = Number(/total:\s+\(statements\)\s+([\d.]+)%/.exec(func.stdout)?.[1]);
    expect(coverage.percent).toBeCloseTo(total, 1);

    const verdict = testVerdict({ stage: "test", run: testRun, suites, coverage, coverageThreshold: 50 });
    expect(verdict.status).toBe("passed");
    expect(verdict.reports["test/junit.xml"]).toContain(`tests="${cases.length}"`);
    expect(verdict.reports["test/coverage.cobertura.xml"]).toContain("<coverage");

  });

  it("fails the coverage gate when untested code lowers the real figure below the threshold", async () => {
    const root = copyExample("go-service");
    const measure = async () => {
      const coverprofile = join(root, "coverage.out");
      const testRun = await run(root, args.unitTestArgs({ race: false, coverprofile }));
      expect(testRun.exitCode, testRun.stderr).toBe(0);
      return { testRun, coverage: parseGoCoverprofile(readFileSync(coverprofile, "utf8"), { modulePath: "example.com/go-service" }) };
    };
    const before = await measure();
    const untested = Array.from({ length: 40 }, (_, i) => `func untested${i}(x int) int {\n\tif x > ${i} {\n\t\treturn x - ${i}\n\t}\n\treturn x + ${i}\n}\n`);
    writeFileSync(join(root, "internal/semver/zz_untested.go"), `package semver\n\n${untested.join("\n")}`);
    const after = await measure();
    expect(after.coverage.percent).toBeLessThan(before.coverage.percent - 5);

    // A threshold the original code met now fails, naming the real figure.
    const threshold = Math.floor(before.coverage.percent) - 1;
    const verdict = ({ testRun, coverage }: typeof before) =>
      testVerdict({ stage: "test", run: testRun, suites: parseGoTestJson(testRun.stdout), coverage, coverageThreshold: threshold });
    expect(verdict(before).status).toBe("passed");
    const failing = verdict(after);
    expect(failing.status).toBe("failed");
    expect(failing.errorLines.join("\n")).toContain(`${after.coverage.percent.toFixed(1)}% is below the ${threshold}% threshold`);
  });

  it.skipIf(!canRunAsOtherUser)(`runs the race-detector tests as the container's non-root user, with caches it owns${canRunAsOtherUser ? "" : " (skipped: needs root and setpriv to switch users)"}`, async () => {
    const root = copyExample("go-service");
    const cache = tempDir("go-build-cache-");
    await execa("chown", ["-R", NON_ROOT_USER, root, cache]);
    const coverprofile = join(root, "coverage.out");
    const testRun = await run(root, asUser(NON_ROOT_USER, args.unitTestArgs({ race: true, coverprofile })), { HOME: NON_ROOT_HOME, GOCACHE: cache, GOPATH: join(cache, "gopath") });
    expect(testRun.exitCode, testRun.stderr).toBe(0);
    expect(parseGoTestJson(testRun.stdout).flatMap((s) => s.tests).length).toBeGreaterThan(5);
    expect(readFileSync(coverprofile, "utf8")).toMatch(/^mode: atomic\n/);
  });

  it("reports a failing test with its own message and a failed verdict", async () => {
    const root = copyExample("go-service");
    writeFileSync(
      join(root, "internal/semver/zz_broken_test.go"),
      'package semver\n\nimport "testing"\n\nfunc TestDeliberatelyBroken(t *testing.T) {\n\tt.Log("checking the sum")\n\tt.Fatal("want 2, got 3")\n}\n',
    );
    const testRun = await run(root, args.unitTestArgs({ race: false, coverprofile: join(root, "c.out") }));
    expect(testRun.exitCode).toBe(1);
    const verdict = testVerdict({ stage: "test", run: testRun, suites: parseGoTestJson(testRun.stdout) });
    expect(verdict.status).toBe("failed");
    // The failure and where it happened, not the t.Log line printed before it.
    expect(verdict.errorLines).toContain("FAIL example.com/go-service/internal/semver TestDeliberatelyBroken: zz_broken_test.go:7: want 2, got 3");
  });

  it(`names the compiler error of a package that does not build (go1.${goMinor}: ${buildEvents ? "build-output and build-fail events, exit code 1" : "plain text on stdout and stderr, exit code 2"})`, async () => {
    const root = copyExample("go-service");
    writeFileSync(join(root, "internal/semver/zz_broken.go"), 'package semver\n\nvar broken int = "x"\n');
    const testRun = await run(root, args.unitTestArgs({ race: false, coverprofile: join(root, "c.out") }));
    if (buildEvents) {
      // The compiler's lines arrive as build-output events of the package, then a build-fail event; stderr stays empty.
      expect(testRun.exitCode, testRun.stderr).toBe(1);
      expect(testRun.stderr).toBe("");
      const events = testRun.stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, string>);
      const semver = "example.com/go-service/internal/semver";
      expect(events.filter((e) => e["ImportPath"] === semver).map((e) => e["Action"])).toEqual(["build-output", "build-output", "build-fail"]);
      expect(events.find((e) => e["Action"] === "build-output" && e["Output"]?.includes("cannot use"))?.["Output"]).toMatch(/^internal\/semver\/zz_broken\.go:3:\d+: cannot use "x"/);
      // Each package that cannot be tested fails with the import path whose build failed.
      expect(events.filter((e) => e["Action"] === "fail").map((e) => [e["Package"], e["FailedBuild"]]).sort()).toEqual(
        ["example.com/go-service", "example.com/go-service/internal/api", semver].map((p) => [p, semver]),
      );
    } else {
      expect(testRun.exitCode).toBe(2);
      expect(testRun.stderr).toMatch(/zz_broken\.go:3:\d+: cannot use "x"/);
    }
    // What the toolchain parses: stdout, then stderr.
    const suites = parseGoTestJson(`${testRun.stdout}\n${testRun.stderr}`);
    const broken = suites.find((s) => s.name === "example.com/go-service/internal/semver");
    expect(broken?.failedBuild).toMatch(/^internal\/semver\/zz_broken\.go:3:\d+: cannot use "x"/);
    // Packages importing it fail to build too, and say so.
    expect(suites.find((s) => s.name === "example.com/go-service/internal/api")?.failedBuild).toBeDefined();

    const verdict = testVerdict({ stage: "test", run: testRun, suites, coverageThreshold: 50 });
    expect(verdict.status).toBe("failed");
    expect(verdict.errorLines.join("\n")).toMatch(/internal\/semver: internal\/semver\/zz_broken\.go:3:\d+: cannot use "x"/);
    const junit = verdict.reports["test/junit.xml"]!;
    expect(junit).toMatch(/<testcase name="\[build failed\]" classname="example.com\/go-service\/internal\/semver"/);
    expect(junit).toMatch(/<testsuites tests="(\d+)"[^>]* errors="\1"/);
  });

  it("selects only the property tests and fuzz seeds, with -quickchecks for the packages using testing/quick", async () => {
    const root = copyExample("go-service");
    // A property with a nil Config, counting its checks: the count is the configured iterations.
    writeFileSync(
      join(root, "internal/semver/zz_count_property_test.go"),
      'package semver\n\nimport (\n\t"os"\n\t"strconv"\n\t"testing"\n\t"testing/quick"\n)\n\n' +
        "func TestPropertyCounted(t *testing.T) {\n\tn := 0\n" +
        "\tif err := quick.Check(func(x int) bool { n++; return true }, nil); err != nil {\n\t\tt.Fatal(err)\n\t}\n" +
        '\tif err := os.WriteFile(os.Getenv("COUNT_FILE"), []byte(strconv.Itoa(n)), 0o600); err != nil {\n\t\tt.Fatal(err)\n\t}\n}\n',
    );
    const countFile = join(root, "count.txt");
    const listing = await run(root, args.listTestImportsArgs());
    expect(listing.exitCode, listing.stderr).toBe(0);
    const packages = args.splitQuickPackages(listing.stdout);
    expect(packages.quick).toEqual(["example.com/go-service/internal/semver"]);
    expect(packages.others).toEqual(["example.com/go-service", "example.com/go-service/internal/api"]);

    const runs = await Promise.all(args.propertyTestArgs(37, packages).map((argv) => run(root, argv, { COUNT_FILE: countFile })));
    for (const r of runs) expect(r.exitCode, r.stdout).toBe(0);
    expect(readFileSync(countFile, "utf8")).toBe("37");
    const names = runs.flatMap((r) => parseGoTestJson(r.stdout).flatMap((s) => s.tests.map((t) => t.name.split("/")[0]!)));
    expect(names.length).toBeGreaterThan(2);
    for (const name of names) expect(name).toMatch(/^(TestProperty|Fuzz)/);
    expect(names.some((n) => n.startsWith("Fuzz"))).toBe(true);
    // The flag reaches the checks, not just the command line: an invalid count is refused by the test binary.
    const invalid = await run(root, args.propertyTestArgs(0, packages)[0]!.map((a) => (a.startsWith("-quickchecks=") ? "-quickchecks=x" : a)));
    expect(invalid.exitCode).not.toBe(0);
  });

  it("lints with go vet and a gofmt check that fails on unformatted files", async () => {
    const root = copyExample("go-service");
    const clean = lintVerdict([{ run: await run(root, args.vetArgs()) }, { run: await run(root, args.gofmtArgs()) }]);
    expect(clean.status).toBe("passed");

    writeFileSync(join(root, "internal/semver/ugly.go"), "package semver\nfunc  ugly( ) int {return 1}\n");
    const fmt = await run(root, args.gofmtArgs());
    expect(fmt.exitCode).toBe(0);
    expect(fmt.stdout.trim()).toBe("internal/semver/ugly.go");
    expect(args.unformattedFiles(fmt.stdout)).toEqual(["internal/semver/ugly.go"]);
    // Vendored code is not the project's to format.
    mkdirSync(join(root, "vendor/example.com/dep"), { recursive: true });
    writeFileSync(join(root, "vendor/example.com/dep/dep.go"), "package dep\nfunc  Dep( ) int {return 1}\n");
    expect(args.unformattedFiles((await run(root, args.gofmtArgs())).stdout)).toEqual(["internal/semver/ugly.go"]);
  });

  it("measures -count samples per benchmark and detects a regression made on purpose", async () => {
    const root = copyExample("go-service");
    const count = 5;
    const before = await run(root, [...args.benchArgs(count).slice(0, 4), "-bench", "^BenchmarkCompare$", ...args.benchArgs(count).slice(6)]);
    expect(before.exitCode).toBe(0);
    const baseline = parseGoBench(before.stdout);
    const compare = baseline.find((b) => b.name === "Compare" && b.unit === "ns/op");
    expect(compare?.samples).toHaveLength(count);

    // Slow Compare down: a busy loop in the measured function.
    const file = join(root, "internal/semver/semver.go");
    const source = readFileSync(file, "utf8");
    const slowed = source.replace(/func Compare\(a, b Version\) int \{\n/, "$&\tfor i := 0; i < 2000; i++ {\n\t\tsinkSlow += i\n\t}\n");
    expect(slowed).not.toBe(source);
    writeFileSync(file, `${slowed}\nvar sinkSlow int\n`);
    const after = await run(root, [...args.benchArgs(count).slice(0, 4), "-bench", "^BenchmarkCompare$", ...args.benchArgs(count).slice(6)]);
    expect(after.exitCode).toBe(0);

    const rows = compareBenchmarks(baseline, parseGoBench(after.stdout), { thresholdPercent: 10, alpha: 0.05 });
    const row = rows.find((r) => r.name === "Compare" && r.unit === "ns/op");
    expect(row?.verdict).toBe("regression");
    expect(benchGate(rows).passed).toBe(false);
    const stage = benchStageVerdict(baseline, parseGoBench(after.stdout));
    expect(stage.status).toBe("failed");
    expect(stage.errorLines.join("\n")).toMatch(/regression.*Compare ns\/op/);
    // Against itself, nothing regresses.
    expect(benchGate(compareBenchmarks(baseline, baseline, { thresholdPercent: 10, alpha: 0.05 })).passed).toBe(true);
  });
});
