import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { beforeAll, describe, expect, it } from "vitest";
import { planFunction } from "../../cli/commands/plan.js";
import { PLAN_SCHEMA_VERSION, type Exec, type PlanDocument } from "../../cli/plan/document.js";
import { renderPlan } from "../../cli/plan/render.js";
import { copyExample, examplePath, REPO } from "../helpers/examples.js";
import { cli } from "../helpers/cli.js";

const schema = JSON.parse(readFileSync(join(REPO, "plan.schema.json"), "utf8"));
const validate = new Ajv2020({ strict: true, allErrors: true }).compile(schema);

async function planJson(...argv: string[]): Promise<PlanDocument> {
  const { code, out, err } = await cli("plan", ...argv, "--json");
  expect(err).toBe("");
  expect(code).toBe(0);
  return JSON.parse(out) as PlanDocument;
}

/** The exec whose argv starts with `words`, from the containers of a plan. */
function execOf(plan: PlanDocument, ...words: string[]): Exec {
  const exec = plan.groups.flatMap((g) => g.containers).flatMap((c) => c.execs).find((e) => words.every((w, i) => e.argv[i] === w));
  if (!exec) throw new Error(`no exec ${words.join(" ")}`);
  return exec;
}

describe("plan --json: the documented, versioned plan schema (plan.schema.json)", () => {
  let release: PlanDocument;
  beforeAll(async () => {
    const root = copyExample("node-service", { "pipeline.yaml": "release:\n  image: ghcr.io/acme/node-service\n" });
    release = await planJson("release", "--source", root, "--tag", "v0.1.0", "--registry-token", "env://REGISTRY_TOKEN", "--npmrc", "file:///home/me/.npmrc");
  });

  it.each([
    ["ci", "go-service"],
    ["ci", "node-service"],
    ["ci", "python-service"],
    ["reports", "node-service"],
    ["lint", "python-service"],
  ] as const)("holds every field of `plan %s` on %s to the schema, no field left undescribed", async (fn, example) => {
    const plan = await planJson(fn, "--source", examplePath(example));
    expect(validate(plan), JSON.stringify(validate.errors?.slice(0, 3), null, 2)).toBe(true);
    expect(plan.schemaVersion).toBe(PLAN_SCHEMA_VERSION);
  });

  it("holds a release with secrets, publishes and platforms to it too, and is the version the schema names", () => {
    expect(validate(release), JSON.stringify(validate.errors?.slice(0, 3), null, 2)).toBe(true);
    expect(schema.properties.schemaVersion).toEqual({ const: PLAN_SCHEMA_VERSION });
    // A field the schema does not know is an error, so the schema cannot fall behind the output silently.
    expect(validate({ ...release, extra: true })).toBe(false);
  });

  it("gives each exec its argv, user, workdir, env values, cache and source mounts and copies as objects", async () => {
    const plan = await planJson("test", "--source", examplePath("go-service"));
    const test = execOf(plan, "go", "test");
    expect(test.argv.slice(0, 3)).toEqual(["go", "test", "-race"]);
    expect(test).toMatchObject({ user: "65532:65532", workdir: "/src", exitCode: "read" });
    expect(test.env).toContainEqual({ name: "GOCACHE", value: "/cache/go-build" });
    expect(test.mounts).toContainEqual({ type: "cache", path: "/go/pkg/mod", volume: "go-mod", sharing: "SHARED", owner: "65532:65532", source: null });
    // The manifests first (for the download), then the whole source, each as the copy and its filters.
    const [manifests, all] = test.copies;
    expect(manifests).toMatchObject({ type: "copy", path: "/src", include: expect.arrayContaining(["go.mod", "go.sum"]), source: { kind: "source", path: "." } });
    expect(all).toMatchObject({ type: "copy", path: "/src", include: [], owner: "65532:65532", source: { kind: "source", path: "." } });
    expect(execOf(plan, "go", "mod", "download").copies).toEqual([manifests]);
  });

  it("names secrets by reference only, mounts the npmrc for the install alone, and publishes each tag for every platform", () => {
    const install = execOf(release, "npm", "ci");
    const npmrc = install.mounts.find((m) => m.type === "secret");
    expect(npmrc).toMatchObject({ type: "secret", secret: { secret: "file:///home/me/.npmrc" } });
    // Unmounted before the project's own scripts run.
    expect(execOf(release, "npm", "run", "lint").mounts.some((m) => m.type === "secret")).toBe(false);
    expect(release.arguments).toEqual({ tag: "v0.1.0", "registry-token": { secret: "env://REGISTRY_TOKEN" }, npmrc: { secret: "file:///home/me/.npmrc" } });
    const published = release.publishes.find((p) => p.address === "ghcr.io/acme/node-service:0.1.0");
    expect(published).toMatchObject({ platforms: ["linux/amd64", "linux/arm64"], registryAuth: [{ address: "ghcr.io", secret: { secret: "env://REGISTRY_TOKEN" } }] });
    expect(published!.variants[0]).toMatchObject({ kind: "dockerfile", platform: "linux/amd64", dockerfile: "Dockerfile", context: { kind: "source", path: "." } });
  });

  it("renders the text output from the same document", async () => {
    const source = examplePath("python-service");
    const text = await cli("plan", "ci", "--source", source);
    const { document } = await planFunction({ fn: "ci", source });
    expect(text.out).toBe(renderPlan(document, source));
    expect(text.out).toContain("exec    pip install -r requirements-dev.txt");
  });
});
