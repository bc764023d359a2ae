import { readFileSync } from "node:fs";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { REPO } from "../helpers/examples.js";

const shellcheck = await execa("shellcheck", ["--version"], { reject: false }).catch(() => undefined);
const haveShellcheck = shellcheck?.exitCode === 0;

describe(".ci/run, the script CI runs on a fresh clone", () => {
  it.skipIf(!haveShellcheck)(`passes shellcheck${haveShellcheck ? "" : " (skipped: no shellcheck on PATH; Debian: apt-get install shellcheck)"}`, async () => {
    const result = await execa("shellcheck", [".ci/run"], { cwd: REPO, reject: false });
    expect(result.stdout).toBe("");
    expect(result.exitCode).toBe(0);
  });

  it("ends by running the README's test command", () => {
    const readme = readFileSync(`${REPO}README.md`, "utf8");
    const testCommand = /Run the tests[^\n]*\n\n```sh\n([^\n]+)\n```/.exec(readme)?.[1];
    expect(testCommand).toBe("npm ci && npm test");
    expect(readFileSync(`${REPO}.ci/run`, "utf8").trim().split("\n").at(-1)).toBe(testCommand);
  });
});
