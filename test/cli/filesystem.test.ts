import { chmodSync, existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { init } from "../../cli/commands/init.js";
import { validate } from "../../cli/commands/validate.js";
import { CliError } from "../../cli/errors.js";
import { cli, CLI_BIN } from "../helpers/cli.js";
import { canRunAsOtherUser } from "../helpers/run-locally.js";

/** A temp folder holding `files`. */
function tempDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "pipeline-fs-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** The CliError code a command throws, so tests assert the contract before the wording. */
function codeOf(command: () => unknown): string | undefined {
  try {
    command();
  } catch (error) {
    if (error instanceof CliError) return error.code;
    throw error;
  }
  return undefined;
}

// File modes do not stop root, whose capabilities override them. As root, run the CLI without those
// capabilities (setpriv), so the modes apply to it while the repository, wherever it was cloned (a private
// temp folder included), stays readable by its owner; as anyone else, as ourselves.
const isRoot = process.getuid?.() === 0;
const modesCannotApply = isRoot && !canRunAsOtherUser ? "running as root without setpriv, so file modes cannot apply" : undefined;
const WITHOUT_OVERRIDE = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"];

/** The CLI as a real process that file modes apply to, with a timeout so a hang fails the test instead of stalling the run. */
async function runUnderFileModes(...argv: string[]) {
  const command = ["node", CLI_BIN, ...argv];
  const [file, ...args] = isRoot ? [...WITHOUT_OVERRIDE, ...command] : command;
  const result = await execa(file!, args, { reject: false, timeout: 30_000 });
  expect(result.timedOut).toBe(false);
  expect(result.stderr).not.toContain("    at ");
  return result;
}

describe("permissions (file modes applied, even to root)", () => {
  it("validate names an unreadable file, or a folder that cannot be searched, with the chmod that fixes it", async (ctx) => {
    if (modesCannotApply) ctx.skip(modesCannotApply);
    const dir = tempDir({ "pipeline.yaml": "language: go\n" });
    const file = join(dir, "pipeline.yaml");
    chmodSync(file, 0o000);
    const unreadable = await runUnderFileModes("validate", file);
    expect(unreadable.exitCode).toBe(1);
    expect(unreadable.stderr).toBe(
      `error: ${file}: cannot be read: permission denied (EACCES).\n  Fix: make it readable by this user (chmod u+r ${file}), or run as its owner.`,
    );
    chmodSync(file, 0o644);
    chmodSync(dir, 0o600);
    const unsearchable = await runUnderFileModes("validate", file);
    expect(unsearchable.exitCode).toBe(1);
    expect(unsearchable.stderr).toContain(`error: ${file}: permission denied: a folder on its path cannot be searched.`);
  });

  it("init into a read-only folder, or over a read-only file with --force, names what to make writable and writes nothing", async (ctx) => {
    if (modesCannotApply) ctx.skip(modesCannotApply);
    const dir = tempDir({ "go.mod": "module x\n" });
    chmodSync(dir, 0o555);
    const folder = await runUnderFileModes("init", "--dir", dir);
    expect(folder.exitCode).toBe(1);
    expect(folder.stderr).toBe(
      `error: cannot write ${join(dir, "pipeline.yaml")}: permission denied (EACCES).\n  Fix: make ${dir} writable by this user (chmod u+w ${dir}), or pass --dir a folder you own.`,
    );
    expect(existsSync(join(dir, "pipeline.yaml"))).toBe(false);

    const withFile = tempDir({ "go.mod": "module x\n", "pipeline.yaml": "language: go\n" });
    const file = join(withFile, "pipeline.yaml");
    chmodSync(withFile, 0o777);
    chmodSync(file, 0o444);
    const forced = await runUnderFileModes("init", "--dir", withFile, "--force");
    expect(forced.exitCode).toBe(1);
    expect(forced.stderr).toContain(`Fix: make ${file} writable by this user (chmod u+w ${file})`);
    expect(readFileSync(file, "utf8")).toBe("language: go\n");
  });

  it("init in a folder it cannot list needs --language, and then writes the language line", async (ctx) => {
    if (modesCannotApply) ctx.skip(modesCannotApply);
    const dir = tempDir({ "go.mod": "module x\n" });
    chmodSync(dir, 0o333);
    const detecting = await runUnderFileModes("init", "--dir", dir);
    expect(detecting.exitCode).toBe(1);
    expect(detecting.stderr).toContain(`error: cannot list ${dir}: permission denied (EACCES).`);
    expect((await runUnderFileModes("init", "--dir", dir, "--language", "go")).exitCode).toBe(0);
    expect(readFileSync(join(dir, "pipeline.yaml"), "utf8")).toMatch(/^language: go {2,}#/m);
  });
});

describe("paths no command can use", () => {
  it("a symlink loop is a user error naming the link, for validate and init", async () => {
    const dir = tempDir();
    const loop = join(dir, "loop.yaml");
    symlinkSync(loop, loop);
    expect(codeOf(() => validate(loop))).toBe("PATH_UNUSABLE");
    expect(codeOf(() => init({ dir: loop, language: "go" }))).toBe("PATH_UNUSABLE");
    expect(await cli("validate", loop)).toEqual({
      code: 1,
      out: "",
      err: `error: ${loop}: too many symbolic links encountered (ELOOP).\n  Fix: make the symlink point at a real file or folder (ls -l ${loop} shows where it points).\n`,
    });
  });

  // Spawned: reading or writing a FIFO blocks the whole process, which no in-process timeout can interrupt.
  it("validate refuses a FIFO instead of hanging on it", async () => {
    const fifo = join(tempDir(), "pipeline.yaml");
    await execa("mkfifo", [fifo]);
    const result = await execa("node", [CLI_BIN, "validate", fifo], { reject: false, timeout: 30_000 });
    expect(result.timedOut).toBe(false);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(
      `error: ${fifo} is not a regular file (a FIFO, socket or device), so it cannot be a pipeline.yaml.\n  Fix: pass the path of the pipeline.yaml file itself.`,
    );
  });

  it("init refuses a pipeline.yaml that is a FIFO, even with --force, instead of hanging on it", async () => {
    const dir = tempDir({ "go.mod": "module x\n" });
    const fifo = join(dir, "pipeline.yaml");
    await execa("mkfifo", [fifo]);
    const result = await execa("node", [CLI_BIN, "init", "--dir", dir, "--force"], { reject: false, timeout: 30_000 });
    expect(result.timedOut).toBe(false);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(`error: ${fifo} is not a regular file (a FIFO, socket or device).\n  Fix: remove it (rm ${fifo}), then run pipeline init again.`);
  });

  it.skipIf(!existsSync("/proc/self"))("init into a folder that accepts no new files (/proc) says it cannot write there", async () => {
    // Python: a Go or Node init first asks for the manifest /proc lacks.
    expect(codeOf(() => init({ dir: "/proc", language: "python" }))).toBe("INIT_CANNOT_WRITE");
    const result = await cli("init", "--dir", "/proc", "--language", "python");
    expect(result.code).toBe(1);
    // Root gets ENOENT (procfs creates no files), anyone else EACCES.
    expect(result.err).toMatch(/^error: cannot write \/proc\/pipeline\.yaml: [a-z ]+ \((ENOENT|EACCES)\)\.\n {2}Fix: /);
    expect(result.err).not.toContain("    at ");
  });
});
