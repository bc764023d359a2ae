import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { REPO } from "../helpers/examples.js";
import { cli } from "../helpers/cli.js";

/**
 * `pipeline ci` and `pipeline release` are fronts for `dagger call`. No dagger
 * CLI exists here, so a stand-in executable on PATH records the argv it got
 * and exits with a chosen code, as execa's own tests do with fixture scripts.
 */
const savedPath = process.env["PATH"];
afterEach(() => {
  process.env["PATH"] = savedPath;
  delete process.env["FAKE_DAGGER_EXIT"];
});

function fakeDagger(): { argvFile: string } {
  const dir = mkdtempSync(join(tmpdir(), "fake-dagger-"));
  const argvFile = join(dir, "argv.json");
  const script = join(dir, "dagger");
  writeFileSync(
    script,
    `#!${process.execPath}\nrequire("node:fs").writeFileSync(${JSON.stringify(argvFile)}, JSON.stringify(process.argv.slice(2)));\nprocess.exit(Number(process.env.FAKE_DAGGER_EXIT ?? 0));\n`,
  );
  chmodSync(script, 0o755);
  process.env["PATH"] = `${dir}${delimiter}${savedPath}`;
  return { argvFile };
}

describe("pipeline ci / release", () => {
  it("calls `dagger call` on this module with the source, as argv", async () => {
    const { argvFile } = fakeDagger();
    expect((await cli("ci", "--source", "examples/go-service")).code).toBe(0);
    expect(JSON.parse(readFileSync(argvFile, "utf8"))).toEqual(["call", "-m", REPO, "--source", join(process.cwd(), "examples/go-service"), "ci"]);
  });

  it("passes the release flags through untouched, the token as a reference", async () => {
    const { argvFile } = fakeDagger();
    const result = await cli("release", "--tag", "v1.2.0", "--registry-token", "env://REGISTRY_TOKEN");
    expect(result.code).toBe(0);
    expect((JSON.parse(readFileSync(argvFile, "utf8")) as string[]).slice(-5)).toEqual(["release", "--tag", "v1.2.0", "--registry-token", "env://REGISTRY_TOKEN"]);
  });

  it("exits 1 when the pipeline fails", async () => {
    fakeDagger();
    process.env["FAKE_DAGGER_EXIT"] = "3";
    expect((await cli("ci")).code).toBe(1);
  });

  it("refuses a bad tag or a literal token before running anything", async () => {
    const { argvFile } = fakeDagger();
    const tag = await cli("release", "--tag", "v1.2.0; rm -rf /");
    expect(tag.code).toBe(1);
    expect(tag.err).toContain("is not a release tag");
    const token = await cli("release", "--tag", "v1.2.0", "--registry-token", "ghp_literal_token");
    expect(token.code).toBe(1);
    expect(token.err).toContain("--registry-token takes a secret reference (env://NAME, file://path or cmd://command), never the secret itself");
    expect(token.err).toContain("Fix: put the secret in an environment variable or a file and pass --registry-token env://REGISTRY_TOKEN");
    expect(token.err).not.toContain("ghp_literal_token");
    expect(() => readFileSync(argvFile)).toThrow();
  });

  it("says how to install dagger when it is missing", async () => {
    process.env["PATH"] = mkdtempSync(join(tmpdir(), "empty-path-"));
    const result = await cli("ci");
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/cannot run the dagger CLI[\s\S]*Fix: install it at the pinned version: curl -fsSL https:\/\/dl\.dagger\.io\/dagger\/install\.sh \| DAGGER_VERSION=0\.21\.\d+/);
  });
});
