import { readFileSync } from "node:fs";
import { join } from "node:path";
import { dag } from "@dagger.io/dagger";
import { Ajv2020 } from "ajv/dist/2020.js";
import { beforeAll, describe, expect, it } from "vitest";
import { planFunction } from "../../cli/commands/plan.js";
import { PLAN_SCHEMA_VERSION, type Exec, type PlanDocument } from "../../cli/plan/document.js";
import { buildPlan } from "../../cli/plan/graph.js";
import { renderPlan } from "../../cli/plan/render.js";
import { recordRun } from "../../cli/recording-engine/run.js";
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
    release = await planJson(
      ...["release", "--source", root, "--tag", "v0.1.0", "--registry-token", "env://REGISTRY_TOKEN", "--npmrc", "file:///home/me/.npmrc"],
      ...["--signing-key", "file:///home/me/cosign.key", "--signing-password", "env://COSIGN_PASSWORD"],
    );
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
    expect(release.arguments).toEqual({
      tag: "v0.1.0",
      "registry-token": { secret: "env://REGISTRY_TOKEN" },
      npmrc: { secret: "file:///home/me/.npmrc" },
      "signing-key": { secret: "file:///home/me/cosign.key" },
      "signing-password": { secret: "env://COSIGN_PASSWORD" },
    });
    // A secret env var is its name and its reference, never a value.
    expect(execOf(release, "cosign", "sign").env.filter((v) => "secret" in v)).toEqual([
      { name: "REGISTRY_TOKEN", secret: { secret: "env://REGISTRY_TOKEN" } },
      { name: "COSIGN_PRIVATE_KEY", secret: { secret: "file:///home/me/cosign.key" } },
      { name: "COSIGN_PASSWORD", secret: { secret: "env://COSIGN_PASSWORD" } },
    ]);
    const published = release.publishes.find((p) => p.address === "ghcr.io/acme/node-service:0.1.0");
    expect(published).toMatchObject({ platforms: ["linux/amd64", "linux/arm64"], registryAuth: [{ address: "ghcr.io", secret: { secret: "env://REGISTRY_TOKEN" } }] });
    expect(published!.variants[0]).toMatchObject({ kind: "dockerfile", platform: "linux/amd64", dockerfile: "Dockerfile", context: { kind: "source", path: "." } });
  });

  it("groups containers by what runs concurrently: ci's checks together, the property tests after go list, the benchmarks alone last", async () => {
    const plan = await planJson("ci", "--source", examplePath("go-service"));
    const groupOf = (...words: string[]) => plan.groups.findIndex((g) => g.containers.some((c) => c.execs.some((e) => words.every((w, i) => e.argv[i] === w))));
    expect(groupOf("go", "vet")).toBe(0);
    expect(groupOf("go", "test", "-race")).toBe(0);
    expect(groupOf("go", "list")).toBe(0);
    expect(groupOf("go", "test", "-run", "^(TestProperty|Fuzz)")).toBe(1);
    expect(groupOf("go", "test", "-run", "^$", "-bench")).toBe(plan.groups.length - 1);
    expect(plan.groups.at(-1)!.containers).toHaveLength(1);
  });

  it("lists what a function exports to the host: a container's path by the container's id, a directory it built by itself", async () => {
    // No module function exports (`dagger call ... export` does, after it returns), so a probe of the SDK's exports, recorded as plan records them.
    const { engine, error } = await recordRun(async () => {
      await dag.container().from("alpine:3.20").withExec(["make", "dist"]).directory("/out").export("out");
      await dag.directory().withNewFile("notes.txt", "built").export("notes");
    });
    expect(error).toBeUndefined();
    const graph = buildPlan(engine.records, { root: REPO, ignore: [] });
    expect(graph.exports).toEqual([
      { container: "c1", from: "/out", to: "out" },
      { container: null, from: null, to: "notes" },
    ]);
    expect(graph.groups[0]!.containers[0]).toMatchObject({ id: "c1", image: "alpine:3.20", execs: [{ argv: ["make", "dist"] }] });
    const document = { schemaVersion: PLAN_SCHEMA_VERSION, function: "probe", arguments: {}, source: REPO, ...graph, skippedStages: [], outcome: { ok: true, returns: "nothing" } };
    expect(validate(document), JSON.stringify(validate.errors?.slice(0, 3), null, 2)).toBe(true);
  });

  it("renders the text output from the same document", async () => {
    const source = examplePath("python-service");
    const text = await cli("plan", "ci", "--source", source);
    const { document } = await planFunction({ fn: "ci", source });
    expect(text.out).toBe(renderPlan(document, source));
    expect(text.out).toContain("exec    pip install -r requirements-dev.txt");
  });
});
