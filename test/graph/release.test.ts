import { dag } from "@dagger.io/dagger";
import { describe, expect, it } from "vitest";
import { recordRun } from "../../cli/recording-engine/run.js";
import * as goArgs from "../../pipeline/modules/go/args.js";
import { copyExample } from "../helpers/examples.js";
import { pipelineOn } from "../helpers/pipeline.js";
import { haveFixtures, readFixture } from "../helpers/fixtures.js";

/** `release` on examples/go-service, recorded: gates first, then a multi-arch publish with the token as a secret. */

const UNIT = goArgs.unitTestArgs({ race: true });
const CONFIG = "release:\n  image: ghcr.io/acme/go-service\n";

async function release(root: string, options: Parameters<typeof recordRun>[1], tag = "v1.2.0") {
  return recordRun(async () => (await pipelineOn(root)).release(tag, dag.secret("env://REGISTRY_TOKEN"), "ci-bot"), options);
}

/** Real passing outputs of the Go test stage, so the gates pass. */
const passing = () => ({
  execOutcome: (argv: readonly string[]) =>
    argv.join(" ") === UNIT.join(" ") ? { exitCode: 0, stdout: readFixture("go/test-race-cover.jsonl") } : undefined,
  fileContents: (path: string) => (path === goArgs.COVERPROFILE ? readFixture("go/cover.out") : undefined),
});

describe.skipIf(!haveFixtures)("release", () => {
  it("publishes every tag of a multi-arch image, with the registry token as a secret reference", async () => {
    const root = copyExample("go-service", { "pipeline.yaml": `${CONFIG}stages:\n  test: { coverageThreshold: 30 }\n` });
    const { engine, result, error } = await release(root, passing());
    expect(error).toBeUndefined();
    const publishes = engine.records.filter((r) => r.leaf === "publish");
    expect(publishes.map((r) => r.steps[r.steps.length - 1]!.args["address"]).sort()).toEqual(
      ["1", "1.2", "1.2.0", "latest"].map((t) => `ghcr.io/acme/go-service:${t}`),
    );
    const publish = publishes[0]!.steps;
    expect(publish.find((s) => s.field === "withRegistryAuth")?.args).toEqual({
      address: "ghcr.io",
      username: "ci-bot",
      secret: { $chain: [{ field: "secret", args: { uri: "env://REGISTRY_TOKEN" } }] },
    });
    const variants = publish[publish.length - 1]!.args["platformVariants"] as { $chain: { field: string; args: Record<string, unknown> }[] }[];
    // Each platform's Dockerfile build (then its OCI labels: test/graph/image-release.test.ts); no git metadata, so VERSION alone.
    expect(variants.map((v) => v.$chain.find((s) => s.field === "dockerBuild"))).toEqual(
      ["linux/amd64", "linux/arm64"].map((platform) => ({
        field: "dockerBuild",
        args: { dockerfile: "Dockerfile", platform, buildArgs: [{ name: "VERSION", value: "1.2.0" }] },
      })),
    );
    expect(result).toContain("Released v1.2.0");
    expect(result).toMatch(/\| `ghcr\.io\/acme\/go-service:1\.2\.0` \| `sha256:[0-9a-f]{64}` \|/);
  });

  it("publishes nothing when a gate fails", async () => {
    const root = copyExample("go-service", { "pipeline.yaml": CONFIG });
    const failing = { execOutcome: (argv: readonly string[]) => (argv.join(" ") === UNIT.join(" ") ? { exitCode: 1, stdout: readFixture("go/test-fail.jsonl") } : undefined) };
    const { engine, error } = await release(root, failing);
    expect(String(error)).toContain("release v1.2.0 stopped before publishing: a gate failed.");
    expect(engine.records.filter((r) => r.leaf === "publish")).toEqual([]);
  });

  it("runs nothing on a bad tag or without release.image", async () => {
    const root = copyExample("go-service", { "pipeline.yaml": CONFIG });
    const badTag = await release(root, passing(), "1.2.0");
    expect((badTag.error as Error).name).toBe("ReleaseTagError");
    expect(badTag.engine.executedCommands()).toEqual([]);

    const noImage = await release(copyExample("go-service"), passing());
    expect(String(noImage.error)).toContain("release.image is not set");
    expect(noImage.engine.executedCommands()).toEqual([]);
  });
});
