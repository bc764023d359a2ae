import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { configTemplate } from "../../cli/commands/init.js";
import { loadConfig } from "../../pipeline/src/config/load.js";
import { LANGUAGES } from "../../pipeline/src/config/schema.js";
import { cli, CLI_BIN } from "../helpers/cli.js";


function tempDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "pipeline-cli-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe("pipeline validate", () => {
  it("exits 0 for a valid file and for no file at all (defaults)", async () => {
    const dir = tempDir({ "pipeline.yaml": "language: go\n" });
    expect(await cli("validate", join(dir, "pipeline.yaml"))).toMatchObject({ code: 0, out: `${join(dir, "pipeline.yaml")}: valid\n` });
    const empty = tempDir();
    process.chdir(empty);
    expect((await cli("validate")).code).toBe(0);
  });

  it("exits 1 with file:line:column, key path and fix for an invalid file", async () => {
    const dir = tempDir({ "pipeline.yaml": "stages:\n  bench:\n    regresionThreshold: 5\n" });
    const file = join(dir, "pipeline.yaml");
    const result = await cli("validate", file);
    expect(result.code).toBe(1);
    expect(result.err).toBe(
      `${file}:3:5 stages.bench.regresionThreshold: unknown key "regresionThreshold" (did you mean "regressionThreshold"?)\n` +
        `  Fix: rename it to "regressionThreshold"\n1 problem in ${file}\n`,
    );
  });

  it("exits 1 naming the file when an explicit file is missing", async () => {
    const result = await cli("validate", "/nonexistent/pipeline.yaml");
    expect(result.code).toBe(1);
    expect(result.err).toContain("/nonexistent/pipeline.yaml: no such file");
    expect(result.err).not.toMatch(/\n\s+at /);
  });
});

describe("pipeline init", () => {
  it("writes a commented pipeline.yaml for the detected language that validates as written", async () => {
    const dir = tempDir({ "go.mod": "module example.com/x\n\ngo 1.19\n" });
    const result = await cli("init", "--dir", dir);
    expect(result).toMatchObject({ code: 0, out: `wrote ${join(dir, "pipeline.yaml")} (language: go)\n` });
    const text = readFileSync(join(dir, "pipeline.yaml"), "utf8");
    expect(text).toMatch(/^# pipeline\.yaml/);
    const loaded = loadConfig(text);
    expect(loaded.ok && loaded.config.language).toBe("go");
  });

  it.each(LANGUAGES)("the %s template is valid and equals the defaults", (language) => {
    const loaded = loadConfig(configTemplate(language));
    const defaults = loadConfig(`language: ${language}\n`);
    expect(loaded.ok && defaults.ok).toBe(true);
    if (loaded.ok && defaults.ok) expect(loaded.config).toEqual(defaults.config);
  });

  it("refuses to overwrite without --force, and fails clearly when the language is unknown", async () => {
    const dir = tempDir({ "pipeline.yaml": "language: node\n", "package.json": "{}" });
    const refused = await cli("init", "--dir", dir);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("already exists");
    expect(readFileSync(join(dir, "pipeline.yaml"), "utf8")).toBe("language: node\n");
    expect((await cli("init", "--dir", dir, "--force")).code).toBe(0);
    const unknown = await cli("init", "--dir", tempDir({ "README.md": "" }));
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain("--language go|node|python");
  });
});

describe("paths of the wrong kind", () => {
  it.each([
    ["validate <dir>", (dir: string) => ["validate", dir], (dir: string) => `error: ${dir} is a directory, not a pipeline.yaml.\n  Fix: pass the file itself: pipeline validate ${join(dir, "pipeline.yaml")}\n`],
    ["init --dir <missing>", (dir: string) => ["init", "--dir", join(dir, "nope")], (dir: string) => `error: --dir ${join(dir, "nope")}: no such directory.\n  Fix: pass the project folder, or create it first: mkdir -p ${join(dir, "nope")}\n`],
    ["init --dir <file> --force", (dir: string) => ["init", "--dir", join(dir, "go.mod"), "--force"], (dir: string) => `error: --dir ${join(dir, "go.mod")} is not a directory.\n  Fix: pass the project folder that holds it: --dir ${dir}\n`],
  ])("%s exits 1 naming the path and the fix, without a stack trace", async (_name, argv, message) => {
    const dir = tempDir({ "go.mod": "module x\n" });
    const result = await cli(...argv(dir));
    expect(result.code).toBe(1);
    expect(result.err).toBe(message(dir));
  });

  it("init refuses a pipeline.yaml that is a directory, even with --force", async () => {
    const dir = tempDir({ "go.mod": "module x\n" });
    mkdirSync(join(dir, "pipeline.yaml"));
    const result = await cli("init", "--dir", dir, "--force");
    expect(result.code).toBe(1);
    expect(result.err).toContain(`${join(dir, "pipeline.yaml")} is a directory, so no pipeline.yaml can be written there`);
  });
});

describe("usage", () => {
  it("exits 2 on usage errors and 0 on --help and --version", async () => {
    expect((await cli("frobnicate")).code).toBe(2);
    expect((await cli("init", "--language", "rust")).code).toBe(2);
    expect((await cli("plan")).code).toBe(2);
    const help = await cli("--help");
    expect(help.code).toBe(0);
    for (const command of ["validate", "plan", "init", "doctor"]) expect(help.out).toContain(command);
    expect((await cli("--version")).out).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it("runs as a real process from any directory, with the exit code and stderr of an invalid config", async () => {
    const dir = tempDir({ "pipeline.yaml": "language: [go]\n" });
    const result = await execa("node", [CLI_BIN, "validate"], { cwd: dir, reject: false });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("pipeline.yaml:1:11 language:");
    expect(result.stderr).not.toContain("    at ");
  });
});
