import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { cli, CLI_BIN } from "../helpers/cli.js";

/**
 * init on a tree whose toolchain could not run yet (Go code with no go.mod,
 * Node code with no package.json) refuses, and its fix is a command that,
 * run as printed, leaves a project `pipeline plan ci` accepts.
 */

const TOOLS_PATH = `${process.env["HOME"]}/.cache/pipeline-test-tools/bin:${process.env["HOME"]}/.cache/pipeline-test-tools/go-bin:${process.env["PATH"]}`;

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "pipeline-init-manifest-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** The command between the backquotes of the Fix line. */
function fixCommand(err: string): string {
  const command = /^ {2}Fix: run `([^`]+)`/m.exec(err)?.[1];
  expect(command, err).toBeDefined();
  return command!;
}

const CASES = [
  // The plan's exit code: Go's lint (vet, gofmt) has work to do; npm init -y gives no lint script and no test,
  // so that ci fails saying nothing ran (not a config error, exit 2): what it would do on an engine.
  { language: "go", manifest: "go.mod", files: { "cmd/app/main.go": "package main\n\nfunc main() {}\n", "internal/sum/sum.go": "package sum\n" }, command: /go mod init example\.com\/[a-z0-9._-]+$/, planExit: 0 },
  { language: "node", manifest: "package.json", files: { "index.js": "console.log(1);\n", "lib/sum.js": "export const sum = 1;\n" }, command: /npm init -y$/, planExit: 1 },
] as const;

describe.each(CASES)("pipeline init on $language code with no $manifest", ({ language, manifest, files, command, planExit }) => {
  it("refuses with the command that creates it; run as printed, init and then plan ci accept the config", async () => {
    const dir = tree(files);
    const refused = await cli("init", "--dir", dir);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain(`${dir} holds ${language === "go" ? "Go" : "Node"} code but no ${manifest}`);
    const fix = fixCommand(refused.err);
    expect(fix).toBe(`cd ${dir} && ${command.exec(fix)![0]}`);
    expect(existsSync(join(dir, "pipeline.yaml"))).toBe(false);

    // The printed line is shell: run it as a user pasting it would, from elsewhere.
    await execa("sh", ["-c", fix], { cwd: tmpdir(), env: { PATH: TOOLS_PATH } });
    expect(existsSync(join(dir, manifest))).toBe(true);
    expect(await cli("init", "--dir", dir)).toMatchObject({ code: 0, out: `wrote ${join(dir, "pipeline.yaml")} (language: ${language})\n` });
    const plan = await execa("node", [CLI_BIN, "plan", "ci"], { cwd: dir, reject: false });
    expect(plan.exitCode).toBe(planExit);
    expect(plan.stdout).toContain("Plan of `dagger call ci` on .");
    if (planExit === 0) expect(plan.stderr).toBe("");
    else expect(plan.stdout).toContain("lint: nothing ran: package.json defines no lint, typecheck or check:* script");
  });

  it(`refuses --language ${language} the same way, run from the project folder with the bare command`, async () => {
    const dir = tree(files);
    const refused = await execa("node", [CLI_BIN, "init", "--language", language], { cwd: dir, reject: false });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain(`--language ${language}, but . has no ${manifest}`);
    const fix = fixCommand(refused.stderr);
    expect(fix).toMatch(new RegExp(`^${command.source}`));
    await execa("sh", ["-c", fix], { cwd: dir, env: { PATH: TOOLS_PATH } });
    expect((await execa("node", [CLI_BIN, "init", "--language", language], { cwd: dir, reject: false })).exitCode).toBe(0);
    expect((await execa("node", [CLI_BIN, "plan", "ci"], { cwd: dir, reject: false })).exitCode).toBe(planExit);
  });
});

describe("pipeline init with a manifest or code that needs none", () => {
  it("a Python tree without a marker is told its --language, which needs no manifest", async () => {
    const dir = tree({ "app/main.py": "print(1)\n" });
    const refused = await cli("init", "--dir", dir);
    expect(refused).toMatchObject({ code: 1 });
    expect(refused.err).toContain("Fix: pass --language python.");
    expect((await cli("init", "--dir", dir, "--language", "python")).code).toBe(0);
  });

  it("a tree with no code keeps the language choice open", async () => {
    const refused = await cli("init", "--dir", tree({ "README.md": "hi\n" }));
    expect(refused.err).toContain("Fix: pass --language go|node|python.");
  });
});
