import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import { pinnedDaggerVersion } from "../../cli/dagger-version.js";
import { examplePath, REPO } from "../helpers/examples.js";
import { cli, CLI_BIN } from "../helpers/cli.js";

/**
 * `pipeline ci` and `pipeline release` are fronts for `dagger call`. No dagger
 * CLI exists here, so a stand-in executable on PATH records the argv it got
 * and exits with a chosen code, as execa's own tests do with fixture scripts;
 * with FAKE_DAGGER_TALK set it also draws a progress line on stderr and prints
 * a result on stdout, as dagger does.
 */
const savedPath = process.env["PATH"];
afterEach(() => {
  process.env["PATH"] = savedPath;
  delete process.env["FAKE_DAGGER_EXIT"];
  delete process.env["FAKE_DAGGER_SIGNAL"];
});

function fakeDagger(): { argvFile: string } {
  const dir = mkdtempSync(join(tmpdir(), "fake-dagger-"));
  const argvFile = join(dir, "argv.json");
  const script = join(dir, "dagger");
  writeFileSync(
    script,
    `#!${process.execPath}\nrequire("node:fs").writeFileSync(${JSON.stringify(argvFile)}, JSON.stringify(process.argv.slice(2)));\n` +
      `if (process.env.FAKE_DAGGER_TALK) { process.stderr.write("fake dagger: progress\\n"); process.stdout.write("fake dagger: result\\n"); }\n` +
      `if (process.env.FAKE_DAGGER_SIGNAL) process.kill(process.pid, process.env.FAKE_DAGGER_SIGNAL);\nprocess.exit(Number(process.env.FAKE_DAGGER_EXIT ?? 0));\n`,
  );
  chmodSync(script, 0o755);
  process.env["PATH"] = `${dir}${delimiter}${savedPath}`;
  return { argvFile };
}

describe("pipeline ci / release", () => {
  it("calls `dagger call` on this module with the source, as argv, saying when it starts and how it ended", async () => {
    const { argvFile } = fakeDagger();
    const result = await cli("ci", "--source", "examples/go-service");
    expect(result.code).toBe(0);
    expect(JSON.parse(readFileSync(argvFile, "utf8"))).toEqual(["call", "-m", REPO, "--source", join(process.cwd(), "examples/go-service"), "ci"]);
    expect(result.err).toMatch(/^pipeline: dagger call ci on .*examples\/go-service \(Dagger 0\.21\.\d+\); its progress follows\.\npipeline: dagger call ci succeeded after \d+\.\d s\.\n$/);
  });

  it("passes the function's flags through, each as one --flag=value word, the token as a reference, and Dagger's --progress", async () => {
    const { argvFile } = fakeDagger();
    const result = await cli("release", "--tag", "v1.2.0", "--registry-token", "env://REGISTRY_TOKEN", "--progress", "plain");
    expect(result.code).toBe(0);
    const argv = JSON.parse(readFileSync(argvFile, "utf8")) as string[];
    expect(argv[0]).toBe("--progress=plain");
    expect(argv.slice(argv.indexOf("release"))).toEqual(["release", "--tag=v1.2.0", "--registry-token=env://REGISTRY_TOKEN"]);
  });

  it("exits with the engine's own exit code, and says so", async () => {
    fakeDagger();
    process.env["FAKE_DAGGER_EXIT"] = "3";
    const result = await cli("ci");
    expect(result.code).toBe(3);
    expect(result.err).toMatch(/pipeline: dagger call ci failed with exit code 3 after \d+\.\d s\.\n$/);
  });

  it("lets dagger's progress and result through between its own two lines, and exits with dagger's code, in a real process", async () => {
    fakeDagger();
    const source = examplePath("go-service");
    const result = await execa("node", [CLI_BIN, "ci", "--source", source], { env: { FAKE_DAGGER_TALK: "1", FAKE_DAGGER_EXIT: "4" }, reject: false });
    expect(result.exitCode).toBe(4);
    expect(result.stdout).toBe("fake dagger: result");
    expect(result.stderr.split("\n")).toEqual([
      `pipeline: dagger call ci on ${source} (Dagger ${pinnedDaggerVersion()}); its progress follows.`,
      "fake dagger: progress",
      expect.stringMatching(/^pipeline: dagger call ci failed with exit code 4 after \d+\.\d s\.$/),
    ]);
  });

  it("exits 128 + the signal's number when a signal stops the engine's CLI", async () => {
    fakeDagger();
    process.env["FAKE_DAGGER_SIGNAL"] = "SIGTERM";
    const result = await cli("ci");
    expect(result.code).toBe(143);
    expect(result.err).toMatch(/pipeline: dagger call ci was stopped by SIGTERM after /);
  });

  it("refuses a bad tag, a literal token or an unknown flag with exit 2 before running anything", async () => {
    const { argvFile } = fakeDagger();
    const tag = await cli("release", "--tag", "v1.2.0; rm -rf /");
    expect(tag.code).toBe(2);
    expect(tag.err).toContain("is not a release tag");
    const token = await cli("release", "--tag", "v1.2.0", "--registry-token", "ghp_literal_token");
    expect(token.code).toBe(2);
    expect(token.err).toContain("--registry-token takes a secret reference (env://NAME, file://path or cmd://command), never the secret itself");
    expect(token.err).toContain("Fix: put the secret in an environment variable or a file and pass --registry-token env://REGISTRY_TOKEN");
    expect(token.err).not.toContain("ghp_literal_token");
    const unknown = await cli("ci", "--sorce", ".");
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/^error: unknown option --sorce for ci \(did you mean --source\?\)\./);
    expect(() => readFileSync(argvFile)).toThrow();
  });

  it.each([
    ["a file", join(REPO, "package.json"), "a file, not a directory"],
    ["a missing folder", join(REPO, "no-such-folder"), "no such directory"],
  ])("refuses a --source that is %s with exit 2 and the fix, before dagger runs", async (_what, source, what) => {
    const { argvFile } = fakeDagger();
    const result = await cli("ci", "--source", source);
    expect(result).toEqual({ code: 2, out: "", err: `error: --source ${source}: ${what}.\n  Fix: pass the folder of the repository to run ci on.\n` });
    expect(() => readFileSync(argvFile)).toThrow();
  });

  it("says how to install dagger when it is missing", async () => {
    process.env["PATH"] = mkdtempSync(join(tmpdir(), "empty-path-"));
    const result = await cli("ci");
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/cannot run the dagger CLI[\s\S]*Fix: install it at the pinned version: curl -fsSL https:\/\/dl\.dagger\.io\/dagger\/install\.sh \| DAGGER_VERSION=0\.21\.\d+/);
  });
});
