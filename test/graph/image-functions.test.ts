import { rmSync } from "node:fs";
import { join } from "node:path";
import { dag } from "@dagger.io/dagger";
import { describe, expect, it } from "vitest";
import type { CallRecord } from "../../cli/recording-engine/engine.js";
import { argText, isChainRef, type Step } from "../../cli/recording-engine/query.js";
import { recordRun } from "../../cli/recording-engine/run.js";
import { importFromRuntimeView } from "../../cli/runtime-view/load.js";
import type { GitMetadata } from "../../pipeline/modules/git/metadata.js";
import * as imageArgs from "../../pipeline/modules/image/args.js";
import { NON_ROOT_USER } from "../../pipeline/modules/non-root.js";
import { IMAGES } from "../../pipeline/modules/pins.js";
import { copyExample } from "../helpers/examples.js";
import { haveFixtures, readFixture } from "../helpers/fixtures.js";
import { envOf } from "../helpers/records.js";

/**
 * The image functions on their own, recorded: build (from a Dockerfile with
 * pipeline.yaml's target and build args, or from the toolchain without one),
 * scan-image, sbom, publish (the tag scheme of a main or branch build, one
 * digest, returned and in the summary) and sign (the digest, the key as a
 * secret). test/graph/image-release.test.ts records them inside release.
 */

const GIT: GitMetadata = {
  sha: "0123456789abcdef0123456789abcdef01234567",
  shortSha: "0123456789ab",
  branch: "main",
  tags: [],
  commitTime: "2026-11-30T12:00:00Z",
  remoteUrl: "https://github.com/acme/app",
};
const MARKERS = { registry: "registry-marker-41f0", key: "cosign-key-marker-0c2d", password: "cosign-pass-marker-9a7e" };
const DIGEST_REF = /^ghcr\.io\/acme\/app@sha256:[0-9a-f]{64}$/;

type ImageRun = typeof import("../../pipeline/src/run/image.js");
type Loader = typeof import("../../pipeline/src/run/load-project.js");

/** Runs `call` with the module's image functions and a loaded project, as index.ts hands them over. */
function withImage<T>(root: string, call: (image: ImageRun, loaded: Awaited<ReturnType<Loader["loadProject"]>>) => Promise<T>, options: Parameters<typeof recordRun>[1] = {}) {
  return recordRun(async () => {
    const image = await importFromRuntimeView<ImageRun>("src/run/image.ts");
    const { loadProject } = await importFromRuntimeView<Loader>("src/run/load-project.ts");
    return call(image, await loadProject(dag.host().directory(root), undefined));
  }, options);
}

/** Every step of the records, the chains their arguments refer to included. */
function allSteps(records: readonly CallRecord[]): Step[] {
  const out: Step[] = [];
  const visit = (steps: readonly Step[]) => {
    for (const s of steps) {
      out.push(s);
      for (const v of Object.values(s.args)) {
        if (isChainRef(v)) visit(v.$chain);
        if (Array.isArray(v)) for (const item of v) if (isChainRef(item)) visit(item.$chain);
      }
    }
  };
  for (const r of records) visit(r.steps);
  return out;
}

/** Each platform's image chain, as the policy inspection's tarball takes them (the first, then its variants). */
function platformChains(records: readonly CallRecord[]): Step[][] {
  const tarball = allSteps(records).find((s) => s.field === "asTarball" && Array.isArray(s.args["platformVariants"]));
  const inspect = records.find((r) => r.steps.some((s) => s.field === "withExec" && (s.args["args"] as string[])[3] === "inspect-image"))!;
  const mount = inspect.steps.find((s) => s.field === "withMountedFile")!.args["source"] as { $chain: Step[] };
  const first = mount.$chain.slice(0, mount.$chain.findIndex((s) => s.field === "asTarball"));
  return [first, ...((tarball!.args["platformVariants"] as { $chain: Step[] }[]).map((v) => v.$chain))];
}

const execs = (steps: readonly Step[]) => steps.filter((s) => s.field === "withExec").map((s) => (s.args["args"] as string[]).map(String));
const fromOf = (steps: readonly Step[]) => steps.filter((s) => s.field === "from").map((s) => argText(s.args["address"]));

describe("build from the project's Dockerfile", () => {
  it("builds each platform with pipeline.yaml's dockerfile, target and build args; the pipeline's VERSION, REVISION and SOURCE_DATE_EPOCH after them", async () => {
    const dockerfile = "FROM golang:1.26 AS build\nRUN true\nFROM gcr.io/distroless/static-debian12:nonroot AS runtime\nUSER 65532:65532\n";
    const config = "image:\n  name: ghcr.io/acme/app\n  dockerfile: docker/Dockerfile\n  target: runtime\n  platforms: [linux/amd64, linux/arm/v7]\n  buildArgs: { HTTP_PORT: '8080', VERSION: mine }\n";
    const root = copyExample("go-service", { "pipeline.yaml": config, "docker/Dockerfile": dockerfile });
    const { engine, error } = await withImage(root, (image, loaded) => image.buildFunction(loaded, { git: GIT }));
    expect(error).toBeUndefined();
    const builds = allSteps(engine.records).filter((s) => s.field === "dockerBuild");
    const distinct = [...new Map(builds.map((b) => [JSON.stringify(b.args), b.args])).values()].sort((a, b) => argText(a["platform"]).localeCompare(argText(b["platform"])));
    expect(distinct).toEqual(
      ["linux/amd64", "linux/arm/v7"].map((platform) => ({
        dockerfile: "docker/Dockerfile",
        platform,
        target: "runtime",
        buildArgs: [
          { name: "HTTP_PORT", value: "8080" },
          // The pipeline's VERSION wins over the user's: the labels say the same version as the binary.
          { name: "VERSION", value: "sha-0123456789ab" },
          { name: "REVISION", value: GIT.sha },
          { name: "SOURCE_DATE_EPOCH", value: "1796040000" },
        ],
      })),
    );
  });
});

describe("build from the toolchain, without a Dockerfile", () => {
  const noDockerfile = (name: "go-service" | "node-service" | "python-service", config: string) => {
    const root = copyExample(name, { "pipeline.yaml": config });
    rmSync(join(root, "Dockerfile"));
    return root;
  };

  it("Go: a static binary cross-compiled per platform (CGO off), on the pinned distroless base as uid 65532, with the configured healthcheck", async () => {
    const config = "image:\n  name: ghcr.io/acme/app\n  main: ./cmd/server\n  port: 8080\n  healthcheck: { command: [/app/server, -healthcheck] }\n";
    const { engine, error } = await withImage(noDockerfile("go-service", config), (image, loaded) => image.buildFunction(loaded, { git: GIT }));
    expect(error).toBeUndefined();
    const chains = platformChains(engine.records);
    expect(chains).toHaveLength(2);
    for (const [chain, arch] of chains.map((c, i) => [c, ["amd64", "arm64"][i]!] as const)) {
      expect(chain.find((s) => s.field === "container")?.args["platform"]).toBe(`linux/${arch}`);
      expect(fromOf(chain)).toEqual([IMAGES.distrolessStatic]);
      expect(chain.find((s) => s.field === "withUser")?.args["name"]).toBe(NON_ROOT_USER);
      expect(chain.find((s) => s.field === "withEntrypoint")?.args["args"]).toEqual(["/app/server"]);
      expect(chain.find((s) => s.field === "withExposedPort")?.args["port"]).toBe(8080);
      expect(chain.find((s) => s.field === "withDockerHealthcheck")?.args["args"]).toEqual(["/app/server", "-healthcheck"]);
      const binary = chain.find((s) => s.field === "withFile")!.args["source"] as { $chain: Step[] };
      expect(fromOf(binary.$chain)).toEqual([IMAGES.go]);
      expect(envOf(binary.$chain)).toMatchObject({ CGO_ENABLED: "0", GOOS: "linux", GOARCH: arch });
      expect(execs(binary.$chain)).toEqual([["go", "build", "-trimpath", "-buildvcs=false", "-ldflags=-s -w -X main.version=sha-0123456789ab", "-o", "/out/server", "./cmd/server"]]);
    }
    expect(IMAGES.distrolessStatic).toMatch(/@sha256:[0-9a-f]{64}$/);
  });

  it("Node and Python: the project on the pinned slim image, installed, as a non-root numeric user, running image.command", async () => {
    for (const [name, base, command, install] of [
      ["node-service", IMAGES.node, ["node", "dist/main.js"], ["npm", "ci", "--no-audit", "--no-fund"]],
      ["python-service", IMAGES.python, ["python", "-m", "app"], "pip install --no-cache-dir"],
    ] as const) {
      const config = `image:\n  name: ghcr.io/acme/app\n  platforms: [linux/amd64]\n  command: [${command.join(", ")}]\n`;
      const { engine, error } = await withImage(noDockerfile(name, config), (image, loaded) => image.buildFunction(loaded, { git: GIT }));
      expect(error).toBeUndefined();
      const [chain] = platformChains(engine.records);
      expect(base).toMatch(/-slim(-bookworm)?@sha256:[0-9a-f]{64}$/);
      expect(fromOf(chain!)).toEqual([base]);
      expect(chain!.find((s) => s.field === "withUser")?.args["name"]).toMatch(/^[1-9]\d*:\d+$/);
      expect(chain!.find((s) => s.field === "withDefaultArgs")?.args["args"]).toEqual(command);
      expect(execs(chain!).some((argv) => (typeof install === "string" ? argv.join(" ").includes(install) : argv.join(" ") === install.join(" ")))).toBe(true);
    }
  });

  it("refuses a Node or Python image without image.command before anything runs, naming the field", async () => {
    const { engine, error } = await withImage(noDockerfile("node-service", "image:\n  name: ghcr.io/acme/app\n"), (image, loaded) => image.buildFunction(loaded, { git: GIT }));
    expect(String((error as Error | undefined)?.message)).toMatch(/^image\.command: a node image built without a Dockerfile needs its command\.\n {2}Fix: set image\.command/);
    expect(allSteps(engine.records).filter((s) => s.field === "withExec" || s.field === "dockerBuild" || s.field === "from")).toEqual([]);
  });
});

describe.skipIf(!haveFixtures)("scan-image, sbom, publish and sign, each on its own", () => {
  const CONFIG = "image:\n  name: ghcr.io/acme/app\n  tags: { branch: true }\n";
  const scanReport = { fileContents: (path: string) => (path === imageArgs.SCAN_REPORT ? readFixture("trivy/image-debian-stretch.json") : "") };

  it("scan-image: trivy on each platform's exported image, the summary naming the gate", async () => {
    const { engine, result, error } = await withImage(copyExample("go-service", { "pipeline.yaml": CONFIG }), (image, loaded) => image.scanImageFunction(loaded, { git: GIT }), scanReport);
    expect(error).toBeUndefined();
    // One scan per platform (each of its own tarball), the same argv.
    expect(engine.executedCommands().filter((a) => a[0] === "trivy")).toEqual([imageArgs.trivyImageArgs(), imageArgs.trivyImageArgs()]);
    expect(result).toContain("### ✅ Image scan (trivy, fail on high)");
    expect(engine.records.some((r) => r.leaf === "publish")).toBe(false);
  });

  it("sbom: SPDX 2.3 and CycloneDX 1.6 of each platform by syft, nothing pushed", async () => {
    const { engine, error } = await withImage(copyExample("go-service", { "pipeline.yaml": CONFIG }), async (image, loaded) => {
      const dir = await image.sbomFunction(loaded, { git: GIT });
      return dir.entries();
    });
    expect(error).toBeUndefined();
    const syft = imageArgs.syftArgs(imageArgs.ociArchive(), "ghcr.io/acme/app", undefined);
    expect(engine.executedCommands().filter((a) => a[0] === "syft")).toEqual([syft, syft]);
    expect(imageArgs.syftArgs("x", "n", undefined)).toEqual(expect.arrayContaining(["spdx-json@2.3=/sbom/sbom.spdx.json", "cyclonedx-json@1.6=/sbom/sbom.cdx.json"]));
    const files = allSteps(engine.records).filter((s) => s.field === "withFile").map((s) => argText(s.args["path"]));
    expect(files).toEqual(expect.arrayContaining(["sbom-linux-amd64.spdx.json", "sbom-linux-amd64.cdx.json", "sbom-linux-arm64.spdx.json", "sbom-linux-arm64.cdx.json"]));
    expect(engine.records.some((r) => r.leaf === "publish")).toBe(false);
  });

  it("publish on main: sha-<short> alone, the digest returned and in the summary; unsigned without a key", async () => {
    const { engine, result, error } = await withImage(
      copyExample("go-service", { "pipeline.yaml": "image:\n  name: ghcr.io/acme/app\n" }),
      (image, loaded) => image.publishFunction(loaded, { git: GIT }, { token: dag.setSecret("registry", MARKERS.registry), username: "ci-bot" }, undefined),
      scanReport,
    );
    expect(error).toBeUndefined();
    const addresses = engine.records.filter((r) => r.leaf === "publish").map((r) => argText(r.steps[r.steps.length - 1]!.args["address"]));
    expect(addresses).toEqual(["ghcr.io/acme/app:sha-0123456789ab"]);
    expect(result!.digestRef).toMatch(DIGEST_REF);
    expect(result!.summary).toContain(`### 🚀 Published ${result!.digestRef}`);
    expect(result!.summary).toContain(`| \`ghcr.io/acme/app:sha-0123456789ab\` | \`${result!.digestRef.split("@")[1]}\` |`);
    expect(engine.executedCommands().some((a) => a[0] === "cosign")).toBe(false);
    expect(JSON.stringify(engine.records) + JSON.stringify(result)).not.toContain(MARKERS.registry);
  });

  it("publish on a branch with image.tags.branch: the branch's tag, signed first when a key is given, on one digest", async () => {
    const { engine, result, error } = await withImage(
      copyExample("go-service", { "pipeline.yaml": CONFIG }),
      (image, loaded) =>
        image.publishFunction(
          loaded,
          { git: { ...GIT, branch: "main" } },
          { token: dag.setSecret("registry", MARKERS.registry), username: "ci-bot" },
          { key: dag.setSecret("cosign-key", MARKERS.key), password: dag.setSecret("cosign-password", MARKERS.password), identityToken: undefined },
        ),
      scanReport,
    );
    expect(error).toBeUndefined();
    const publishes = engine.records.filter((r) => r.leaf === "publish");
    expect(publishes.map((r) => argText(r.steps[r.steps.length - 1]!.args["address"]))).toEqual(["ghcr.io/acme/app:sha-0123456789ab", "ghcr.io/acme/app:main"]);
    expect(new Set(publishes.map((r) => JSON.stringify(r.steps.slice(0, -1)))).size).toBe(1);
    const sign = engine.records.find((r) => r.steps.some((s) => s.field === "withExec" && (s.args["args"] as string[])[1] === "sign"))!;
    expect(publishes[0]!.seq).toBeLessThan(sign.seq);
    expect(sign.seq).toBeLessThan(publishes[1]!.seq);
    for (const tag of ["sha-0123456789ab", "main"]) expect(result!.summary).toContain(`| \`ghcr.io/acme/app:${tag}\` | \`${result!.digestRef.split("@")[1]}\` |`);
    const everything = JSON.stringify(engine.records) + JSON.stringify(result);
    for (const marker of Object.values(MARKERS)) expect(everything).not.toContain(marker);
  });

  it("sign: cosign signs the given digest with the key and password as secret variables; a tag instead of a digest is refused", async () => {
    const ref = `ghcr.io/acme/app@sha256:${"a".repeat(64)}`;
    const secrets = () => ({ key: dag.setSecret("cosign-key", MARKERS.key), password: dag.setSecret("cosign-password", MARKERS.password), identityToken: undefined });
    const { engine, result, error } = await withImage(copyExample("go-service", { "pipeline.yaml": CONFIG }), (image, loaded) =>
      image.signFunction(loaded, ref, { token: dag.setSecret("registry", MARKERS.registry), username: "ci-bot" }, secrets()),
    );
    expect(error).toBeUndefined();
    expect(result).toBe(`signed ${ref}\n`);
    expect(engine.executedCommands()).toEqual([imageArgs.cosignSignArgs(ref, { keyed: true, tlog: true })]);
    // Through the registry-auth entrypoint: the credentials file is written from the secret variables, never from argv.
    const signStep = allSteps(engine.records).find((s) => s.field === "withExec")!;
    expect(signStep.args["useEntrypoint"]).toBe(true);
    expect(allSteps(engine.records).find((s) => s.field === "withEntrypoint")?.args["args"]).toEqual([...imageArgs.REGISTRY_AUTH_ENTRYPOINT]);
    const secretVars = allSteps(engine.records).filter((s) => s.field === "withSecretVariable").map((s) => argText(s.args["name"]));
    expect(secretVars.sort()).toEqual(["COSIGN_PASSWORD", "COSIGN_PRIVATE_KEY", "REGISTRY_TOKEN"]);
    expect(JSON.stringify(engine.records)).not.toContain(MARKERS.key);

    const byTag = await withImage(copyExample("go-service", { "pipeline.yaml": CONFIG }), (image, loaded) => image.signFunction(loaded, "ghcr.io/acme/app:1.2.0", { token: undefined, username: "ci-bot" }, secrets()));
    expect(String((byTag.error as Error | undefined)?.message)).toMatch(/--ref: "ghcr\.io\/acme\/app:1\.2\.0" has a tag/);
    expect(byTag.engine.executedCommands()).toEqual([]);
  });
});
