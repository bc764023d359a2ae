import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { planFunction } from "../../cli/commands/plan.js";
import { callArguments } from "../../cli/plan/call-args.js";
import type { ModuleFunction, ModuleParam } from "../../cli/plan/module-signature.js";
import { copyExample } from "../helpers/examples.js";
import { cli, CLI_BIN } from "../helpers/cli.js";


let root: string;
beforeAll(() => {
  root = copyExample("go-service", { "pipeline.yaml": "release:\n  image: ghcr.io/acme/go-service\n" });
});

describe("plan arguments", () => {
  it("refuses a literal value for a Secret parameter with exit 2, never echoing it", async () => {
    await expect(planFunction({ fn: "release", source: root, args: { tag: "v1.2.0", "registry-token": "supersecret" } })).rejects.toMatchObject({
      code: "PLAN_SECRET_NOT_A_REFERENCE",
      exitCode: 2,
    });
    const result = await execa("node", [CLI_BIN, "plan", "release", "--source", root, "--arg", "tag=v1.2.0", "--arg", "registry-token=supersecret"], { reject: false });
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("--arg registry-token takes a secret reference (env://NAME, file://path or cmd://command)");
    expect(result.stderr).toContain("Fix: put the secret in an environment variable or a file and pass --arg registry-token=env://REGISTRY_TOKEN");
    expect(result.stderr).not.toContain("supersecret");
    expect(result.stderr).not.toContain("    at ");
  });

  it("passes a secret as its reference and never prints a cmd:// command line", async () => {
    const { code, out } = await cli("plan", "release", "--source", root, "--json", "--arg", "tag=v1.2.0", "--arg", "registry-token=cmd://echo hunter2");
    expect(code).toBe(0);
    expect(out).toContain("← secret cmd://…");
    expect(out).not.toContain("hunter2");
  });

  it("keeps env://X a plain string for a parameter that is not a Secret", async () => {
    const username = await cli("plan", "release", "--source", root, "--arg", "tag=v1.2.0", "--arg", "registry-username=env://CI_USER", "--arg", "registry-token=env://REGISTRY_TOKEN");
    expect(username.code).toBe(0);
    expect(username.out).toContain("registry ghcr.io as env://CI_USER ← secret env://REGISTRY_TOKEN");
    const tag = await cli("plan", "release", "--source", root, "--arg", "tag=env://TAG");
    expect(tag.out).toContain('--tag "env://TAG" is not a release tag');
  });

  it("exits 2 naming the --arg to add when a required argument is missing", async () => {
    await expect(planFunction({ fn: "release", source: root })).rejects.toMatchObject({ code: "PLAN_MISSING_ARGUMENT", exitCode: 2 });
    const { code, out, err } = await cli("plan", "release", "--source", root);
    expect(code).toBe(2);
    expect(out).toBe("");
    expect(err).toBe("error: release needs the argument tag (The release tag: v + a semantic version, like v1.2.0).\n  Fix: add --arg tag=<value>\n");
  });

  it("prints the plan so far and the failure, and exits 1, when the function fails", async () => {
    const text = await cli("plan", "release", "--source", root, "--arg", "tag=banana");
    expect(text.code).toBe(1);
    expect(text.out).toMatch(/^Plan of `dagger call release` on /);
    expect(text.out).toContain('the function fails:\n  --tag "banana" is not a release tag');
    expect(text.err).toBe("error: release fails even with every exec succeeding; the plan above stops where it failed.\n");
    const json = await cli("plan", "release", "--source", root, "--json", "--arg", "tag=banana");
    expect(json.code).toBe(1);
    expect((JSON.parse(json.out) as { outcome: { ok: boolean } }).outcome.ok).toBe(false);
  });
});

describe("callArguments", () => {
  const param = (name: string, kind: ModuleParam["kind"], type = String(kind)): ModuleParam => ({ name, flag: name, type, kind, optional: true, description: "" });
  const fn: ModuleFunction = { name: "f", flag: "f", params: [param("n", "number"), param("on", "boolean"), param("dir", undefined, "Directory")] };

  it("converts numbers and booleans by the declared type, in parameter order", () => {
    expect(callArguments(fn, { on: "true", n: "3" })).toEqual([3, true, undefined]);
  });

  it.each([
    [{ n: "three" }, "PLAN_ARGUMENT_INVALID", "--arg n=three: expected a number"],
    [{ on: "yes" }, "PLAN_ARGUMENT_INVALID", "--arg on=yes: expected true or false"],
    [{ dir: "." }, "PLAN_ARGUMENT_UNSUPPORTED", "plan cannot pass a Directory"],
    [{ other: "1" }, "PLAN_UNKNOWN_ARGUMENT", "f has no argument other.\n  Fix: use n, on, dir."],
  ])("refuses %o as a usage error", (given, code, message) => {
    expect(() => callArguments(fn, given)).toThrow(expect.objectContaining({ code, exitCode: 2, message: expect.stringContaining(message) }));
  });
});
