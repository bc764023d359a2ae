import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dag } from "@dagger.io/dagger";
import { describe, expect, it } from "vitest";
import type { CallRecord } from "../../cli/recording-engine/engine.js";
import { argText, isChainRef, type Step } from "../../cli/recording-engine/query.js";
import { recordRun } from "../../cli/recording-engine/run.js";
import { importFromRuntimeView } from "../../cli/runtime-view/load.js";
import type { GitMetadata } from "../../pipeline/modules/git/metadata.js";
import * as goArgs from "../../pipeline/modules/go/args.js";
import * as imageArgs from "../../pipeline/modules/image/args.js";
import { IMAGES } from "../../pipeline/modules/pins.js";
import { copyExample } from "../helpers/examples.js";
import { pipelineOn } from "../helpers/pipeline.js";
import { haveFixtures, readFixture } from "../helpers/fixtures.js";

/**
 * The image stages and the release, recorded: gates, then build, policy,
 * scan, SBOM, the immutable tag pushed, signed, then the moving tags on the
 * same digest; secrets only as secret references; a dry run pushes nothing.
 */

const UNIT = goArgs.unitTestArgs({ race: true });
const CONFIG = "release:\n  image: ghcr.io/acme/go-service\n  provider: none\nstages:\n  test: { coverageThreshold: 30 }\n";
const GIT: GitMetadata = {
  sha: "0123456789abcdef0123456789abcdef01234567",
  shortSha: "0123456789ab",
  branch: "main",
  tags: ["v1.2.0"],
  commitTime: "2026-11-30T12:00:00Z",
  remoteUrl: "https://github.com/acme/go-service",
};
/** Planted secret values: if one shows anywhere in what was recorded or returned, a secret leaked. */
const MARKERS = { registry: "registry-marker-9d1c", key: "cosign-key-marker-77ab", password: "cosign-pass-marker-3e5f" };

const passing = (trivyReport = "trivy/image-debian-stretch.json") => ({
  execOutcome: (argv: readonly string[]) => (argv.join(" ") === UNIT.join(" ") ? { exitCode: 0, stdout: readFixture("go/test-race-cover.jsonl") } : undefined),
  fileContents: (path: string) => (path === goArgs.COVERPROFILE ? readFixture("go/cover.out") : path === imageArgs.SCAN_REPORT ? readFixture(trivyReport) : ""),
});

async function release(root: string, options: Parameters<typeof recordRun>[1], extra: { dryRun?: boolean; sign?: boolean } = {}) {
  return recordRun(async () => {
    const { cutRelease } = await importFromRuntimeView<typeof import("../../pipeline/src/run/release.js")>("src/run/release.ts");
    return cutRelease(dag.host().directory(root), {
      tag: "v1.2.0",
      registryToken: dag.setSecret("registry", MARKERS.registry),
      registryUsername: "ci-bot",
      dryRun: extra.dryRun,
      git: GIT,
      signing: extra.sign === false ? undefined : { key: dag.setSecret("cosign-key", MARKERS.key), password: dag.setSecret("cosign-password", MARKERS.password), identityToken: undefined },
    });
  }, options);
}

const lastStep = (r: CallRecord) => r.steps[r.steps.length - 1]!;
const execArgv = (s: Step) => (s.args["args"] as string[]).map(String);
/** The seq of the first record whose chain (or a chain it refers to) runs an exec matching `test`. */
function firstSeq(records: readonly CallRecord[], test: (argv: string[]) => boolean): number {
  const visit = (steps: readonly Step[]): boolean =>
    steps.some((s) => (s.field === "withExec" && test(execArgv(s))) || Object.values(s.args).some((v) => isChainRef(v) && visit(v.$chain)));
  const found = records.find((r) => visit(r.steps));
  if (!found) throw new Error("no such exec");
  return found.seq;
}

/** Steps of any recorded chain (nested ones too) that build, run or push something: none may be sent on bad input. */
function buildSteps(records: readonly CallRecord[]): string[] {
  const found: string[] = [];
  const visit = (steps: readonly Step[]) => {
    for (const s of steps) {
      if (["dockerBuild", "withExec", "publish", "from", "asTarball"].includes(s.field)) found.push(s.field);
      for (const v of Object.values(s.args)) for (const item of Array.isArray(v) ? v : [v]) if (isChainRef(item)) visit(item.$chain);
    }
  };
  for (const r of records) visit(r.steps);
  return found;
}

describe.skipIf(!haveFixtures)("image stages in release (recorded)", () => {
  it("runs gates, build, policy, scan, SBOM, then pushes the version, signs its digest and moves the other tags onto it", async () => {
    const { engine, result, error } = await release(copyExample("go-service", { "pipeline.yaml": CONFIG }), passing());
    expect(error).toBeUndefined();
    const records = engine.records;
    const publishes = records.filter((r) => r.leaf === "publish");
    const addresses = publishes.map((r) => argText(lastStep(r).args["address"]));
    expect(addresses[0]).toBe("ghcr.io/acme/go-service:1.2.0");
    expect([...addresses].sort()).toEqual(["1", "1.2", "1.2.0", "latest", "sha-0123456789ab"].map((t) => `ghcr.io/acme/go-service:${t}`));

    const seq = {
      test: firstSeq(records, (a) => a.join(" ") === UNIT.join(" ")),
      policy: firstSeq(records, (a) => a[3] === "inspect-image"),
      scan: firstSeq(records, (a) => a[0] === "trivy" && a[1] === "image"),
      sbom: firstSeq(records, (a) => a[0] === "syft"),
      sign: firstSeq(records, (a) => a[0] === "cosign" && a[1] === "sign"),
      firstPush: publishes[0]!.seq,
      otherPushes: Math.min(...publishes.slice(1).map((r) => r.seq)),
    };
    expect(seq.test).toBeLessThan(seq.policy);
    expect(seq.policy).toBeLessThan(seq.scan);
    expect(seq.scan).toBeLessThan(seq.sbom);
    expect(seq.sbom).toBeLessThan(seq.firstPush);
    expect(seq.firstPush).toBeLessThan(seq.sign);
    expect(seq.sign).toBeLessThan(seq.otherPushes);

    // One image: every tag's publish is the same chain, so the same digest; the summary maps each tag to it.
    const digests = new Set(publishes.map((r) => JSON.stringify(r.steps.slice(0, -1))));
    expect(digests.size).toBe(1);
    expect(result).toMatch(/### 🚀 Published ghcr\.io\/acme\/go-service@sha256:[0-9a-f]{64}/);
    const digest = /Published (\S+)@(sha256:[0-9a-f]{64})/.exec(result!)![2]!;
    for (const tag of ["1.2.0", "1.2", "1", "latest", "sha-0123456789ab"]) expect(result).toContain(`| \`ghcr.io/acme/go-service:${tag}\` | \`${digest}\` |`);

    // The build: each platform's Dockerfile build, labelled from the commit.
    const variants = lastStep(publishes[0]!).args["platformVariants"] as { $chain: Step[] }[];
    const builds = variants.map((v) => v.$chain.find((s) => s.field === "dockerBuild")!.args);
    expect(builds.map((b) => b["platform"])).toEqual(["linux/amd64", "linux/arm64"]);
    expect(builds[0]!["buildArgs"]).toEqual([
      { name: "VERSION", value: "1.2.0" },
      { name: "REVISION", value: GIT.sha },
      { name: "SOURCE_DATE_EPOCH", value: "1796040000" },
    ]);
    const labels = Object.fromEntries(variants[0]!.$chain.filter((s) => s.field === "withLabel").map((s) => [argText(s.args["name"]), argText(s.args["value"])]));
    expect(labels).toEqual({
      "org.opencontainers.image.title": "go-service",
      "org.opencontainers.image.version": "1.2.0",
      "org.opencontainers.image.revision": GIT.sha,
      "org.opencontainers.image.created": GIT.commitTime,
      "org.opencontainers.image.source": GIT.remoteUrl,
    });

    // Signing: the digest, never a tag; the key and password as secret variables; registry auth through the fixed script.
    const signChain = records.flatMap((r) => r.steps).filter((s) => s.field === "withExec" && execArgv(s)[1] === "sign");
    expect(execArgv(signChain[0]!)).toEqual(["cosign", "sign", "--yes", "--key", "env://COSIGN_PRIVATE_KEY", `ghcr.io/acme/go-service@${digest}`]);
    const attest = records.flatMap((r) => r.steps).filter((s) => s.field === "withExec" && execArgv(s)[1] === "attest").map(execArgv);
    expect(attest.map((a) => a[a.indexOf("--predicate") + 1]).sort()).toEqual(["/sbom/sbom-linux-amd64.spdx.json", "/sbom/sbom-linux-arm64.spdx.json"]);
    const secretVars = new Set(records.flatMap((r) => r.steps).filter((s) => s.field === "withSecretVariable").map((s) => argText(s.args["name"])));
    expect([...secretVars].sort()).toEqual(["COSIGN_PASSWORD", "COSIGN_PRIVATE_KEY", "REGISTRY_TOKEN"]);
    expect(publishes[0]!.steps.find((s) => s.field === "withRegistryAuth")?.args).toMatchObject({ address: "ghcr.io", username: "ci-bot" });

    // The scanned tarballs are the images pushed; the scanner and syft run on pinned images.
    const bases = new Set(records.flatMap((r) => r.steps).filter((s) => s.field === "from").map((s) => argText(s.args["address"])));
    for (const image of [IMAGES.trivy, IMAGES.syft, IMAGES.cosign, IMAGES.alpine]) expect(bases).toContain(image);

    // No planted secret anywhere: records, argv, env, the summary.
    const everything = JSON.stringify(records) + result;
    for (const marker of Object.values(MARKERS)) expect(everything).not.toContain(marker);

    // The release files' table; its rows, from the checksum exec's output, are checked in test/graph/release.test.ts's whole release.
    expect(result).toContain("### Artifacts\n\n| file | sha256 |");
  });

  it("a prerelease pushes only its own tag: no X.Y, X, latest, nor the commit's sha-<short>", async () => {
    const { engine, result, error } = await recordRun(async () => {
      const { cutRelease } = await importFromRuntimeView<typeof import("../../pipeline/src/run/release.js")>("src/run/release.ts");
      return cutRelease(dag.host().directory(copyExample("go-service", { "pipeline.yaml": CONFIG })), { tag: "v1.3.0-rc.1", registryToken: undefined, registryUsername: undefined, git: GIT });
    }, passing());
    expect(error).toBeUndefined();
    expect(engine.records.filter((r) => r.leaf === "publish").map((r) => argText(lastStep(r).args["address"]))).toEqual(["ghcr.io/acme/go-service:1.3.0-rc.1"]);
    expect(result).toMatch(/\| `ghcr\.io\/acme\/go-service:1\.3\.0-rc\.1` \| `sha256:[0-9a-f]{64}` \|/);
  });

  it("stops before any push when the scan finds a HIGH vulnerability, naming it", async () => {
    const { engine, error } = await release(copyExample("go-service", { "pipeline.yaml": CONFIG }), {
      ...passing(),
      fileContents: (path: string) => (path === goArgs.COVERPROFILE ? readFixture("go/cover.out") : path === imageArgs.SCAN_REPORT ? readFixture("trivy/image-fluentd-gems.json") : ""),
    });
    const text = String((error as Error | undefined)?.message);
    expect(text).toContain("the image failed its checks");
    expect(text).toMatch(/❌ Image scan \(trivy, fail on high\)/);
    expect(text).toMatch(/- linux\/amd64: (HIGH|CRITICAL) CVE-\d+-\d+ in /);
    expect(engine.records.filter((r) => r.leaf === "publish")).toEqual([]);
  });

  it("stops before any push on an image policy violation, naming rule and fix; pipeline.yaml's policy settings decide", async () => {
    // What the inspection script prints for a root image with a .env in its layer (format: test/unit/image/policy-scan.test.ts).
    const labels = Object.fromEntries(["title", "version", "revision", "created", "source"].map((k) => [`org.opencontainers.image.${k}`, "x"]));
    const documents: [string, unknown][] = [
      ["json index.json", { manifests: [{ digest: "sha256:man", platform: { os: "linux", architecture: "amd64" } }] }],
      ["json sha256:man", { config: { digest: "sha256:cfg" }, layers: [{ digest: "sha256:" + "5".repeat(64) }] }],
      ["json sha256:cfg", { os: "linux", architecture: "amd64", config: { User: "", Labels: labels, Healthcheck: { Test: ["CMD", "/app/server", "-healthcheck"] } } }],
    ];
    const inspection = documents
      .map(([header, body]) => `=== ${header}\n${JSON.stringify(body)}\n=== end`)
      .concat([`=== layer sha256:${"5".repeat(64)}\napp/\napp/server\napp/.env\n=== end`])
      .join("\n");
    const withInspection = {
      ...passing(),
      execOutcome: (argv: readonly string[]) => (argv[3] === "inspect-image" ? { exitCode: 0, stdout: inspection } : passing().execOutcome(argv)),
    };
    const failed = await release(copyExample("go-service", { "pipeline.yaml": CONFIG }), withInspection);
    const text = String((failed.error as Error | undefined)?.message);
    expect(text).toContain("the image failed its checks");
    expect(text).toContain("### ❌ Image policy");
    expect(text).toContain("image policy nonRootUser (linux/amd64): the image runs as root: no USER is set.\n   Fix: add `USER 65532:65532`");
    expect(text).toMatch(/image policy forbiddenFiles \(linux\/amd64\): layer 1 \(sha256:5{12}\) holds \/app\/\.env\.\n {3}Fix: keep it out of the build context/);
    expect(failed.engine.records.filter((r) => r.leaf === "publish")).toEqual([]);
    expect(failed.engine.executedCommands().filter((a) => (a[0] === "trivy" && a[1] === "image") || a[0] === "syft" || a[0] === "cosign")).toEqual([]);

    const relaxed = `${CONFIG}image:\n  policy:\n    disable:\n      - { rule: nonRootUser, reason: "the base image drops privileges itself" }\n      - { rule: numericUser, reason: "same" }\n    allowFiles: [app/.env]\n`;
    const passed = await release(copyExample("go-service", { "pipeline.yaml": relaxed }), withInspection, { sign: false });
    expect(passed.error).toBeUndefined();
    expect(passed.result).toContain("### ✅ Image policy\n\n- 1 platform image checked");
    expect(passed.result).toContain("- nonRootUser off: the base image drops privileges itself");
  });

  it("dry run: builds and checks everything, pushes and signs nothing", async () => {
    const { engine, result, error } = await release(copyExample("go-service", { "pipeline.yaml": CONFIG }), passing(), { dryRun: true });
    expect(error).toBeUndefined();
    expect(engine.records.filter((r) => r.leaf === "publish")).toEqual([]);
    expect(engine.executedCommands().some((a) => a[0] === "cosign")).toBe(false);
    expect(engine.executedCommands().some((a) => a[0] === "syft")).toBe(true);
    expect(result).toContain("Dry run: nothing pushed");
  });

  it("refuses bad input before anything runs, naming the field: a bad platform, a scheme or spaces in the image, a missing target, a tag that is not semver", async () => {
    const cases: [string, RegExp, string?][] = [
      ["release:\n  image: ghcr.io/acme/go-service\nimage:\n  platforms: [linux]\n", /image\.platforms\.0: .*os\/arch/],
      ["release:\n  image: https://ghcr.io/acme/go-service\n", /release\.image: "https:\/\/ghcr\.io\/acme\/go-service" has a URL scheme/],
      ["image:\n  name: ghcr.io/acme/go service\n", /image\.name: "ghcr\.io\/acme\/go service" contains whitespace/],
      ["release:\n  image: ghcr.io/acme/go-service\nimage:\n  target: release\n", /image\.target: Dockerfile has no stage "release" \(its stages: build\)/],
      [CONFIG, /^--tag "1\.2" is not a release tag.*\n {2}Fix: use v \+ a semantic version/, "1.2"],
    ];
    for (const [config, message, tag] of cases) {
      const { engine, error } = await recordRun(async () => {
        const { cutRelease } = await importFromRuntimeView<typeof import("../../pipeline/src/run/release.js")>("src/run/release.ts");
        return cutRelease(dag.host().directory(copyExample("go-service", { "pipeline.yaml": config })), { tag: tag ?? "v1.2.0", registryToken: undefined, registryUsername: undefined, git: GIT });
      }, passing());
      expect(String((error as Error | undefined)?.message)).toMatch(message);
      expect(engine.executedCommands()).toEqual([]);
      expect(buildSteps(engine.records)).toEqual([]);
    }
  });

  it("refuses a --platform that is not os/arch[/variant] on build, scan-image and sbom, before any build", async () => {
    const root = copyExample("go-service", { "pipeline.yaml": CONFIG });
    for (const call of ["build", "scanImage", "sbom"] as const) {
      const { engine, error } = await recordRun(async () => (await pipelineOn(root))[call]("linux amd64"), passing());
      expect(String((error as Error | undefined)?.message)).toMatch(/^--platform: "linux amd64" is not a platform\.\n {2}Fix: write it as os\/arch or os\/arch\/variant/);
      expect(engine.executedCommands()).toEqual([]);
      expect(buildSteps(engine.records)).toEqual([]);
    }
  });

  it("refuses a tag the project's version file contradicts (package.json, pyproject.toml, VERSION), before anything runs", async () => {
    const cases: [ReturnType<typeof copyExample>, RegExp][] = [
      [copyExample("node-service", { "pipeline.yaml": CONFIG }), /^the tag says 1\.2\.0 but package\.json says 0\.1\.0\.\n {2}Fix: set the version in package\.json to 1\.2\.0/],
      [copyExample("python-service", { "pipeline.yaml": CONFIG }), /^the tag says 1\.2\.0 but pyproject\.toml says 0\.1\.0\.\n {2}Fix: set the version in pyproject\.toml to 1\.2\.0/],
      [copyExample("go-service", { "pipeline.yaml": CONFIG, VERSION: "1.1.0\n" }), /^the tag says 1\.2\.0 but VERSION says 1\.1\.0\.\n {2}Fix: set the version in VERSION to 1\.2\.0/],
    ];
    for (const [root, message] of cases) {
      const { engine, error } = await release(root, passing());
      expect(String((error as Error | undefined)?.message)).toMatch(message);
      expect(engine.executedCommands()).toEqual([]);
      expect(buildSteps(engine.records)).toEqual([]);
    }
  });

  it("attaches the language's packages: npm pack's tarball (not for a private package), Python's sdist and wheel, with both checksum files", async () => {
    const GATES_OFF = "stages:\n  lint: { enabled: false }\n  test: { enabled: false }\n  integration: { enabled: false }\n  propertyTest: { enabled: false }\n  scan: { enabled: false }\n  bench: { enabled: false }\n";
    const config = `release:\n  image: ghcr.io/acme/app\n  provider: none\n${GATES_OFF}`;
    const NPM_PACK = ["npm", "pack", "--pack-destination", "/out"];
    const PY_BUILD = ["python", "-m", "build", "--sdist", "--wheel", "--outdir", "/out"];
    const artifactsOf = async (root: string) => {
      const { engine, error } = await recordRun(async () => {
        const { cutRelease } = await importFromRuntimeView<typeof import("../../pipeline/src/run/release.js")>("src/run/release.ts");
        return cutRelease(dag.host().directory(root), { tag: "v0.1.0", registryToken: undefined, registryUsername: undefined, git: GIT, dryRun: true });
      }, passing());
      expect(error).toBeUndefined();
      // What the checksum exec hashes: the folder the packages and SBOMs were put in.
      const checksum = engine.records.find((r) => r.steps.some((s) => s.field === "withExec" && execArgv(s)[2]?.includes("sha256sum")))!;
      const dist = checksum.steps.find((s) => s.field === "withMountedDirectory")!.args["source"] as { $chain: Step[] };
      const put = dist.$chain.filter((s) => s.field === "withDirectory").map((s) => s.args["source"] as { $chain: Step[] });
      const packed = put.flatMap((p) => p.$chain.filter((s) => s.field === "withExec").map(execArgv));
      const checksumFiles = [...new Set(engine.records.flatMap((r) => r.steps).filter((s) => s.field === "withNewFile").map((s) => argText(s.args["path"])).filter((p) => p.startsWith("checksums")))].sort();
      return { packed, checksumFiles };
    };
    const node = copyExample("node-service", { "pipeline.yaml": config });
    const pkg = JSON.parse(readFileSync(join(node, "package.json"), "utf8")) as Record<string, unknown>;
    writeFileSync(join(node, "package.json"), JSON.stringify({ ...pkg, private: false }));
    const npm = await artifactsOf(node);
    expect(npm.packed).toContainEqual(NPM_PACK);
    expect(npm.packed).not.toContainEqual(PY_BUILD);

    expect((await artifactsOf(copyExample("node-service", { "pipeline.yaml": config }))).packed).not.toContainEqual(NPM_PACK);

    const python = await artifactsOf(copyExample("python-service", { "pipeline.yaml": config }));
    expect(python.packed).toContainEqual(PY_BUILD);
    expect(python.packed).not.toContainEqual(NPM_PACK);
    expect(python.checksumFiles).toEqual(["checksums-sha512.txt", "checksums.txt"]);
  });

  it("builds the same graph twice from one commit (same digest), and a different one for another commit", async () => {
    const digestOf = async (git: GitMetadata) => {
      const { engine } = await recordRun(async () => {
        const { cutRelease } = await importFromRuntimeView<typeof import("../../pipeline/src/run/release.js")>("src/run/release.ts");
        return cutRelease(dag.host().directory(copyExample("go-service", { "pipeline.yaml": CONFIG })), { tag: "v1.2.0", registryToken: undefined, registryUsername: undefined, git, dryRun: false });
      }, passing());
      const publish = engine.records.find((r) => r.leaf === "publish")!;
      return JSON.stringify((lastStep(publish).args["platformVariants"] as { $chain: Step[] }[]).map((v) => v.$chain.filter((s) => s.field !== "host" && s.field !== "directory")));
    };
    const first = await digestOf(GIT);
    expect(await digestOf(GIT)).toBe(first);
    expect(await digestOf({ ...GIT, sha: "f".repeat(40), commitTime: "2026-12-01T00:00:00Z" })).not.toBe(first);
  });
});
