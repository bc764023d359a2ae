import { join } from "node:path";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { planFunction } from "../../cli/commands/plan.js";
import type { ModuleFunction, ModuleParam } from "../../cli/module/signature.js";
import { callArguments } from "../../cli/plan/call-args.js";
import type { PlanDocument } from "../../cli/plan/document.js";
import { copyExample } from "../helpers/examples.js";
import { cli, CLI_BIN } from "../helpers/cli.js";

let root: string;
beforeAll(() => {
  root = copyExample("go-service", { "pipeline.yaml": "release:\n  image: ghcr.io/acme/go-service\n" });
});

describe("function arguments as `dagger call` flags", () => {
  it("plans `release --tag v1.2.0 --registry-token env://REGISTRY_TOKEN` with the arguments it was given", async () => {
    const { code, out, err } = await cli("plan", "release", "--source", root, "--json", "--tag", "v1.2.0", "--registry-token", "env://REGISTRY_TOKEN");
    expect({ code, err }).toEqual({ code: 0, err: "" });
    const plan = JSON.parse(out) as PlanDocument;
    expect(plan.arguments).toEqual({ tag: "v1.2.0", "registry-token": { secret: "env://REGISTRY_TOKEN" } });
    expect(plan.publishes.map((p) => p.address)).toContain("ghcr.io/acme/go-service:1.2.0");
  });

  it("takes --flag=value and --arg name=value too, and refuses one argument given twice with two values", async () => {
    const equals = await cli("plan", "release", "--source", root, "--json", "--tag=v1.2.0", "--arg", "registry-username=bot");
    expect(equals.code).toBe(0);
    expect((JSON.parse(equals.out) as PlanDocument).arguments).toEqual({ tag: "v1.2.0", "registry-username": "bot" });
    const twice = await cli("plan", "release", "--source", root, "--tag", "v1.2.0", "--arg", "tag=v2.0.0");
    expect(twice).toMatchObject({ code: 2, out: "" });
    expect(twice.err).toBe("error: --tag and --arg tag=… give two values.\n  Fix: give the argument once.\n");
  });

  it("lists each function's arguments in --help, described by the module's own JSDoc", async () => {
    const { code, out } = await cli("plan", "release", "--help");
    expect(code).toBe(0);
    expect(out).toMatch(/^Cuts a release: /m);
    expect(out).toContain("Function arguments (as `dagger call` takes them):");
    expect(out).toMatch(/--tag <string> +The release tag: v \+ a semantic version, like\s+v1\.2\.0\. \(required\)/);
    expect(out).toMatch(/--registry-token <ref> +Registry password or token/);
    expect(out).toContain("Plan options:");
    expect(out).toMatch(/--diff <git-ref>/);
    const list = await cli("plan", "--help");
    expect(list.out).toMatch(/^ {2}release \[options\] +Cuts a release: /m);
  });

  it("refuses an unknown flag with exit 2, naming the valid ones and the likely one", async () => {
    const { code, out, err } = await cli("plan", "release", "--source", root, "--tga", "v1.2.0");
    expect({ code, out }).toEqual({ code: 2, out: "" });
    expect(err).toMatch(/^error: unknown option --tga for plan release \(did you mean --tag\?\)\.\n {2}Fix: use --.*\n$/);
    expect(err).toContain("--tag, --registry-token, --registry-username, ");
    expect(err).toContain(", --source, --json, --diff, --diff-source, --arg (see pipeline plan release --help).");
    const extra = await cli("plan", "lint", "--source", root, "v1.2.0");
    expect(extra.code).toBe(2);
    expect(extra.err).toMatch(/^error: unexpected argument "v1\.2\.0" for plan lint\./);
  });

  it("refuses a literal value for a Secret parameter with exit 2, never echoing it, in a real process", async () => {
    await expect(planFunction({ fn: "release", source: root, args: { tag: "v1.2.0", "registry-token": "supersecret" } })).rejects.toMatchObject({
      code: "PLAN_SECRET_NOT_A_REFERENCE",
      exitCode: 2,
    });
    const result = await execa("node", [CLI_BIN, "plan", "release", "--source", root, "--tag", "v1.2.0", "--registry-token", "supersecret"], { reject: false });
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      "error: --registry-token takes a secret reference (env://NAME, file://path or cmd://command), never the secret itself.\n" +
        "  Fix: put the secret in an environment variable or a file and pass --registry-token env://REGISTRY_TOKEN (or file://path).",
    );
  });

  it("passes a secret as its reference and never prints a cmd:// command line", async () => {
    const { code, out } = await cli("plan", "release", "--source", root, "--json", "--tag", "v1.2.0", "--registry-token", "cmd://echo hunter2");
    expect(code).toBe(0);
    expect(out).toContain('"secret": "cmd://…"');
    expect(out).not.toContain("hunter2");
  });

  it("keeps env://X a plain string for a parameter that is not a Secret, and shows the registry login by name", async () => {
    const tag = await cli("plan", "release", "--source", root, "--tag", "env://TAG");
    expect(tag.out).toContain('--tag "env://TAG" is not a release tag');
    const login = await cli("plan", "release", "--source", root, "--tag", "v1.2.0", "--registry-username", "ci-bot", "--registry-token", "env://REGISTRY_TOKEN");
    expect(login.code).toBe(0);
    expect(login.out).toContain("registry ghcr.io as ci-bot ← secret env://REGISTRY_TOKEN");
  });

  it("exits 2 naming the flag to add when a required argument is missing", async () => {
    await expect(planFunction({ fn: "release", source: root })).rejects.toMatchObject({ code: "PLAN_MISSING_ARGUMENT", exitCode: 2 });
    const { code, out, err } = await cli("plan", "release", "--source", root);
    expect({ code, out }).toEqual({ code: 2, out: "" });
    expect(err).toBe("error: release needs --tag (The release tag: v + a semantic version, like v1.2.0).\n  Fix: add --tag <string>\n");
  });

  it.each([
    ["a malformed --arg", ["plan", "lint", "--arg", "rerun"], /^error: option '--arg <name=value>' argument 'rerun' is invalid\. Expected name=value, like --arg tag=v1\.2\.0/],
    ["a --source that is a file", ["plan", "lint", "--source", "<file>"], /^error: --source .*go\.mod: a file, not a directory\.\n {2}Fix: pass the folder of the repository to plan\.\n$/],
    ["a --source that is missing", ["plan", "lint", "--source", "<missing>"], /^error: --source .*nope: no such directory\.\n {2}Fix: pass the folder of the repository to plan\.\n$/],
    ["no function", ["plan"], /^error: plan needs a function\.\n {2}Fix: pipeline plan <function>, one of .*\bci, lint, /],
    ["an unknown function", ["plan", "deploy-everything"], /^error: unknown function "deploy-everything"\.\n {2}Fix: use one of .*\bci, lint, /],
  ])("refuses %s with exit 2: the error, then its fix, and no stack trace", async (_what, argv, message) => {
    const at = argv.map((a) => (a === "<file>" ? join(root, "go.mod") : a === "<missing>" ? join(root, "nope") : a));
    const { code, out, err } = await cli(...at);
    expect({ code, out }).toEqual({ code: 2, out: "" });
    expect(err).toMatch(message);
    expect(err).not.toMatch(/\n\s+at /);
  });

  it.each([
    ["an unknown function", ["plan", "deploy-everything"]],
    ["a malformed --arg", ["plan", "lint", "--arg", "rerun"]],
    ["a Secret given as a plain value", ["plan", "ci", "--npmrc", "//registry.npmjs.org/:_authToken=abc"]],
    ["a --source that is not a folder", ["plan", "lint", "--source", "<file>"]],
    ["a --source that is not a folder, to ci", ["ci", "--source", "<file>"]],
  ])("refuses %s in a real process of the compiled CLI: the error line, its fix line, exit 2, no stack", async (_what, argv) => {
    const at = argv.map((a) => (a === "<file>" ? join(root, "go.mod") : a));
    const result = await execa("node", [CLI_BIN, ...at], { reject: false });
    expect({ code: result.exitCode, out: result.stdout }).toEqual({ code: 2, out: "" });
    expect(result.stderr).toMatch(/^error: [^\n]+\n {2}Fix: [^\n]+$/);
    expect(result.stderr).not.toContain("_authToken=abc");
  });

  it("prints the plan so far and the failure, and exits 1, when the function fails", async () => {
    const text = await cli("plan", "release", "--source", root, "--tag", "banana");
    expect(text.code).toBe(1);
    expect(text.out).toMatch(/^Plan of `dagger call release` on /);
    expect(text.out).toContain('the function fails:\n  --tag "banana" is not a release tag');
    expect(text.err).toBe("error: release fails even with every exec answering exit code 0 and every unit-test run reporting one passing, fully covered test; the plan above stops where it failed.\n");
    const json = await cli("plan", "release", "--source", root, "--json", "--tag", "banana");
    expect(json.code).toBe(1);
    expect((JSON.parse(json.out) as PlanDocument).outcome.ok).toBe(false);
  });
});

describe("callArguments", () => {
  const param = (name: string, kind: ModuleParam["kind"], type = String(kind)): ModuleParam => ({ name, flag: name, type, kind, optional: true, description: "" });
  const fn: ModuleFunction = { name: "f", flag: "f", description: "", params: [param("n", "number"), param("on", "boolean"), param("tags", "string[]"), param("dir", undefined, "Directory")] };
  const region = { ...param("region", "string"), flag: "region" };

  it("converts each value by its declared type, constructor arguments apart, in parameter order", () => {
    expect(callArguments(fn, [region], { on: "true", n: "3", tags: "a,b", region: "eu" })).toEqual({
      constructorArgs: ["eu"],
      functionArgs: [3, true, ["a", "b"], undefined],
      given: { region: "eu", n: 3, on: true, tags: ["a", "b"] },
    });
  });

  it.each([
    [{ n: "three" }, "PLAN_ARGUMENT_INVALID", "--n three: expected a number"],
    [{ on: "yes" }, "PLAN_ARGUMENT_INVALID", "--on yes: expected true or false"],
    [{ dir: "." }, "PLAN_ARGUMENT_UNSUPPORTED", "plan cannot pass a Directory"],
    [{ other: "1" }, "PLAN_UNKNOWN_ARGUMENT", "f has no argument --other.\n  Fix: use --n, --on, --tags, --dir."],
  ])("refuses %o as a usage error", (given, code, message) => {
    expect(() => callArguments(fn, [], given)).toThrow(expect.objectContaining({ code, exitCode: 2, message: expect.stringContaining(message) }));
  });
});
