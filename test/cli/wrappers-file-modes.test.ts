import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it, onTestFinished } from "vitest";
import { writeWrappers } from "../../cli/commands/wrappers.js";
import { canRunAsOtherUser } from "../helpers/run-locally.js";
import { MODULE, RELEASES } from "../helpers/wrappers.js";

/**
 * `pipeline wrappers` where file modes forbid a write: every target is checked
 * before the first write, so nothing is half written. File modes do not stop
 * root, so as root the CLI runs without the capabilities that override them
 * (setpriv, as test/cli/filesystem.test.ts does). It runs from the sources
 * (tsx), not dist/, so what it checks is the code of this tree.
 */

const isRoot = process.getuid?.() === 0;
const modesCannotApply = isRoot && !canRunAsOtherUser ? "running as root without setpriv, so file modes cannot apply" : undefined;
const WITHOUT_OVERRIDE = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"];
const START = new URL("../../cli/start.ts", import.meta.url).pathname;

async function wrappersUnderFileModes(outDir: string) {
  const command = [process.execPath, "--import", "tsx", START, "wrappers", "--provider", "github", "--module", MODULE, "--out", outDir];
  const [file, ...args] = isRoot ? [...WITHOUT_OVERRIDE, ...command] : command;
  const result = await execa(file!, args, { reject: false, timeout: 60_000, cwd: new URL("../..", import.meta.url).pathname });
  expect(result.timedOut).toBe(false);
  return result;
}

const snapshot = (files: string[]) => files.map((f) => readFileSync(f, "utf8"));

describe("pipeline wrappers under file modes (applied even to root)", () => {
  it("refuses a read-only wrapper it would have to update, before writing the other one", async (ctx) => {
    if (modesCannotApply) ctx.skip(modesCannotApply);
    const dir = mkdtempSync(join(tmpdir(), "pipeline-wrappers-modes-"));
    writeFileSync(join(dir, "pipeline.yaml"), RELEASES);
    const [ci, release] = [join(dir, ".github/workflows/ci.yml"), join(dir, ".github/workflows/release.yml")];
    // An older Dagger version: both files need an update.
    writeWrappers({ provider: "github", outDir: dir, module: MODULE, daggerVersion: "0.21.0" });
    chmodSync(release, 0o444);
    onTestFinished(() => chmodSync(release, 0o644));
    const before = snapshot([ci, release]);
    const result = await wrappersUnderFileModes(dir);
    expect({ exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr }).toEqual({
      exitCode: 1,
      stdout: "",
      stderr: `error: cannot write the CI wrappers; wrote none of them:\n  ${release} is not writable\n  Fix: make it writable (chmod u+w ${release}), or pass another --out.`,
    });
    expect(snapshot([ci, release])).toEqual(before);
  });

  it("refuses a read-only --out folder, writing nothing", async (ctx) => {
    if (modesCannotApply) ctx.skip(modesCannotApply);
    const dir = mkdtempSync(join(tmpdir(), "pipeline-wrappers-modes-"));
    chmodSync(dir, 0o555);
    onTestFinished(() => chmodSync(dir, 0o755));
    const result = await wrappersUnderFileModes(dir);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(`error: cannot write the CI wrappers; wrote none of them:\n  ${dir} is not writable\n  Fix: make it writable (chmod u+w ${dir}), or pass another --out.`);
    expect(existsSync(join(dir, ".github"))).toBe(false);
  });
});
