import { describe, expect, it } from "vitest";
import { recordRun } from "../../cli/recording-engine/run.js";
import * as args from "../../pipeline/modules/go/args.js";
import { moduleDirs, workspaceUses } from "../../pipeline/modules/go/modules.js";
import { testProjectPath } from "../helpers/examples.js";
import { execFolder } from "../helpers/exec-workdir.js";
import { pipelineOn, reportFiles } from "../helpers/pipeline.js";
import { execChainsOf } from "../helpers/records.js";
import { testsRan } from "../../cli/recording-engine/tests-ran.js";

/**
 * A Go module below the root, or a go.work's, is no package of the root's `./...`: the recorded
 * graphs of test/projects/go-nested and go-work show each module tested and vetted in its own folder.
 */

/** The unit-test run of the module in `dir`, as the test stage plans it (race detector on by default). */
const unitTest = (dir: string) => args.unitTestArgs({ race: true, coverprofile: dir === "." ? args.COVERPROFILE : `/tmp/coverage-${dir}.out` });

/** Each exec of `argv` by the folder it ran in. */
function foldersOf(records: Parameters<typeof execChainsOf>[0], argv: readonly string[]): string[] {
  return execChainsOf(records)
    .filter((e) => e.argv.join(" ") === argv.join(" "))
    .map((e) => execFolder(e.chain))
    .sort();
}

describe("go modules below the root", () => {
  it("finds the modules: go.work's use list, else every go.mod but those go ignores", () => {
    expect(moduleDirs(["go.mod", "tools/go.mod", "vendor/x/go.mod", "internal/testdata/go.mod", ".cache/go.mod", "_old/go.mod", "api/v2/go.mod"])).toEqual([".", "api/v2", "tools"]);
    expect(workspaceUses("go 1.22\n\nuse (\n\t.\n\t./lib // comment\n)\nuse ./cmd/\n")).toEqual([".", "cmd", "lib"]);
    expect(workspaceUses('go 1.22\nuse "./quoted"\n')).toEqual(["quoted"]);
  });

  it("tests the root and the nested module, each in its folder, with its own download and coverprofile", async () => {
    const root = testProjectPath("go-nested");
    const coverage: Record<string, string> = {
      [args.COVERPROFILE]: "mode: atomic\nexample.com/nested/add.go:5.29,5.42 1 1\n",
      "/tmp/coverage-tools.out": "mode: atomic\nexample.com/nested/tools/double.go:5.26,5.39 1 0\n",
    };
    const options = testsRan({ fileContents: (path) => coverage[path] });
    const { engine, error } = await recordRun(async () => (await pipelineOn(root)).test(), options);
    // Half of the two modules' statements ran: the gate reads both profiles.
    expect(String(error)).toContain("coverage 50.0% is below the 80% threshold");
    expect(foldersOf(engine.records, unitTest("."))).toEqual(["."]);
    expect(foldersOf(engine.records, unitTest("tools"))).toEqual(["tools"]);
    expect(foldersOf(engine.records, ["go", "mod", "download"])).toEqual([".", "tools"]);

    const files = await reportFiles(root, options);
    // One Cobertura over both modules, each file at its path in the repository.
    expect(files["test/coverage.cobertura.xml"]).toContain('filename="add.go"');
    expect(files["test/coverage.cobertura.xml"]).toContain('filename="tools/double.go"');
    expect(files["summary.md"]).toContain("- module tools (example.com/nested/tools): 1 test, exit code 0");
  });

  it("vets every module in its folder, and says which one a problem is in", async () => {
    const root = testProjectPath("go-nested");
    const { engine, error } = await recordRun(async () => (await pipelineOn(root)).lint(), {
      execOutcome: (argv) => (argv.join(" ") === args.vetArgs().join(" ") ? { exitCode: 1, stderr: "double.go:5:1: something vet found\n" } : undefined),
    });
    expect(foldersOf(engine.records, args.vetArgs())).toEqual([".", "tools"]);
    // gofmt reads files, not modules: once, over the whole tree.
    expect(foldersOf(engine.records, args.gofmtArgs())).toEqual(["."]);
    expect(String(error)).toContain("go vet ./... in module tools (exit code 1)");
  });

  it("tests every module go.work uses, each in its folder", async () => {
    const root = testProjectPath("go-work");
    const { engine, error } = await recordRun(async () => (await pipelineOn(root)).test(), testsRan({ fileContents: () => undefined }));
    expect(error === undefined ? "" : (error as Error).message).not.toContain("nothing ran");
    expect(foldersOf(engine.records, unitTest("."))).toEqual(["."]);
    expect(foldersOf(engine.records, unitTest("lib"))).toEqual(["lib"]);
  });
});
