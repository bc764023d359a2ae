import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { dag } from "@dagger.io/dagger";
import { describe, expect, it } from "vitest";
import { argText } from "../../cli/recording-engine/query.js";
import { recordRun } from "../../cli/recording-engine/run.js";
import { allTagsArgs, commitsSinceArgs, headArgs } from "../../pipeline/modules/git/args.js";
import * as goArgs from "../../pipeline/modules/go/args.js";
import * as imageArgs from "../../pipeline/modules/image/args.js";
import { checksumArgs, checksumsFile } from "../../pipeline/modules/release/checksums.js";
import { copyExample } from "../helpers/examples.js";
import { commitAll, gitIn, pipelineWithGit, realGitOutcomes } from "../helpers/git.js";
import { pipelineOn } from "../helpers/pipeline.js";
import { haveFixtures, readFixture } from "../helpers/fixtures.js";
import { envOf, execChainsOf, newFilesOf } from "../helpers/records.js";

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

/**
 * The whole release of a real checkout, recorded: git metadata and history read from its .git by the module's
 * reader (the real git answering), the image published under every tag, the Go binaries and SBOMs with their
 * checksums, signed, and the GitHub release created through the HTTP client execs, answered in order as
 * GitHub's REST API answers a first release (test/tools/release-api.test.ts runs the same client against a
 * stand-in server). The summary lists every tag with its digest, every artifact with its checksum, and the URL.
 */
describe.skipIf(!haveFixtures)("a whole release, from a real checkout to a GitHub release (recorded)", () => {
  const WHOLE = `image:\n  name: ghcr.io/acme/go-service\nrelease:\n  provider: github\n  binaries:\n    - { name: go-service, package: ., platforms: [linux/amd64, darwin/arm64] }\nstages:\n  test: { coverageThreshold: 30 }\n`;
  const HTTP_EXEC = ["node", "/pipeline/http-client.mjs", "/pipeline/request.json"];
  const BUILT = ["go-service_1.2.0_darwin_arm64", "go-service_1.2.0_linux_amd64", ...["linux-amd64", "linux-arm64"].flatMap((p) => [`sbom-${p}.cdx.json`, `sbom-${p}.spdx.json`])];
  const SIGNED = [...BUILT, "checksums-sha512.txt", "checksums-sha512.txt.sig", "checksums.txt", "checksums.txt.sig"].sort();
  const digest = (name: string) => ({ name, sha256: createHash("sha256").update(name).digest("hex"), sha512: createHash("sha512").update(name).digest("hex") });
  const checksumOutput = (names: string[]) => names.map((n) => digest(n)).map((d) => `${d.sha256} ${d.sha512} ${d.name}\n`).join("");
  const api = "https://api.github.com/repos/acme/go-service";
  const draft = { id: 7, tag_name: "v1.2.0", draft: true, html_url: "https://github.com/acme/go-service/releases/tag/untagged-1f2e", upload_url: "https://uploads.github.com/repos/acme/go-service/releases/7/assets{?name,label}" };
  const published = { ...draft, draft: false, html_url: "https://github.com/acme/go-service/releases/tag/v1.2.0" };
  const answer = (status: number, value: unknown) => ({ exitCode: 0, stdout: `${JSON.stringify({ status, headers: { "content-type": "application/json" }, body: JSON.stringify(value) })}\n` });

  it("lists every tag with its digest, every artifact with its checksum, and the release URL; notes from the real history", async () => {
    const root = copyExample("go-service", { "pipeline.yaml": WHOLE });
    await commitAll(root, "main", "feat: parse ranges");
    await gitIn(root, "tag", "v1.1.0");
    writeFileSync(join(root, "CHANGES.md"), "422 for bad ranges\n");
    await gitIn(root, "add", "-A");
    await gitIn(root, "commit", "-q", "-m", "fix(api): answer 422 for bad ranges");
    await gitIn(root, "tag", "v1.2.0");
    await gitIn(root, "remote", "add", "origin", "https://github.com/acme/go-service.git");
    const sha = await gitIn(root, "rev-parse", "HEAD");
    const git = await realGitOutcomes(root, [headArgs(), allTagsArgs(), commitsSinceArgs("v1.1.0")]);

    // The checksum exec runs twice: over the built files, then over the folder with the checksum files and signatures.
    const checksumRuns = [checksumOutput(BUILT), checksumOutput(SIGNED)];
    const github = [answer(404, { message: "Not Found" }), answer(200, []), answer(201, draft), answer(200, []), ...SIGNED.map(() => answer(201, {})), answer(200, published)];
    const execOutcome = (argv: readonly string[]) => {
      if (argv.join(" ") === HTTP_EXEC.join(" ")) return github.shift() ?? { exitCode: 1, stderr: "pipeline: no more answers" };
      if (argv.join(" ") === checksumArgs("/dist").join(" ")) return { exitCode: 0, stdout: checksumRuns.shift() ?? "" };
      return git(argv) ?? (argv.join(" ") === UNIT.join(" ") ? { exitCode: 0, stdout: readFixture("go/test-race-cover.jsonl") } : undefined);
    };
    const fileContents = (path: string) => (path === goArgs.COVERPROFILE ? readFixture("go/cover.out") : path === imageArgs.SCAN_REPORT ? readFixture("trivy/image-debian-stretch.json") : "");
    const { engine, result, error } = await recordRun(
      async () => (await pipelineWithGit(root)).release("v1.2.0", dag.secret("env://REGISTRY_TOKEN"), "ci-bot", undefined, undefined, undefined, undefined, undefined, false, dag.secret("env://GITHUB_TOKEN"), undefined, dag.secret("env://COSIGN_KEY"), dag.secret("env://COSIGN_PASSWORD")),
      { execOutcome, fileContents },
    );
    expect(error).toBeUndefined();
    expect(github).toEqual([]);

    // Every tag on the one digest, the commit's sha- tag included.
    const digestRef = /### 🚀 Published (ghcr\.io\/acme\/go-service)@(sha256:[0-9a-f]{64})/.exec(result!)!;
    for (const tag of ["1.2.0", "1.2", "1", "latest", `sha-${sha.slice(0, 12)}`]) expect(result).toContain(`| \`ghcr.io/acme/go-service:${tag}\` | \`${digestRef[2]}\` |`);
    // Every artifact with its sha256, as the checksum exec computed it; checksums.txt and its SHA-512 twin over the built files.
    for (const name of SIGNED) expect(result).toContain(`| ${name} | \`${digest(name).sha256}\` |`);
    const written = engine.records.flatMap((r) => r.steps).filter((s) => s.field === "withNewFile");
    const file = (path: string) => argText(written.find((s) => argText(s.args["path"]) === path)!.args["contents"]);
    expect(file("checksums.txt")).toBe(checksumsFile(BUILT.map(digest), "sha256"));
    expect(file("checksums-sha512.txt")).toBe(checksumsFile(BUILT.map(digest), "sha512"));
    // release.binaries: one static cross-compiled build per platform, named <name>_<version>_<os>_<arch>, with the version stamped in.
    const goBuilds = execChainsOf(engine.records).filter((e) => e.argv[0] === "go" && e.argv[1] === "build" && e.argv.includes("-o") && e.argv[e.argv.indexOf("-o") + 1]!.startsWith("/out/go-service_"));
    expect(goBuilds.map((e) => [e.argv.at(-2), envOf(e.chain)["GOOS"], envOf(e.chain)["GOARCH"], envOf(e.chain)["CGO_ENABLED"]])).toEqual([
      ["/out/go-service_1.2.0_linux_amd64", "linux", "amd64", "0"],
      ["/out/go-service_1.2.0_darwin_arm64", "darwin", "arm64", "0"],
    ]);
    expect(goBuilds.every((e) => e.argv.includes("-ldflags=-s -w -X main.version=1.2.0") && e.argv.at(-1) === ".")).toBe(true);
    const signed = execChainsOf(engine.records).filter((e) => e.argv[1] === "sign-blob").map((e) => e.argv.at(-1));
    expect(signed).toEqual(["checksums.txt", "checksums-sha512.txt"]);

    // The GitHub calls, in order: the tag and releases read, a draft created at the commit with the notes, every file uploaded, then published.
    const requests = execChainsOf(engine.records)
      .filter((e) => e.argv.join(" ") === HTTP_EXEC.join(" "))
      .map((e) => JSON.parse(newFilesOf(e.chain)["/pipeline/request.json"]!) as { method: string; url: string; json?: Record<string, unknown>; file?: string; headers?: Record<string, string> });
    expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      `GET ${api}/git/ref/tags/v1.2.0`,
      `GET ${api}/releases?per_page=100`,
      `POST ${api}/releases`,
      `GET ${api}/releases/7/assets?per_page=100`,
      ...SIGNED.map((n) => `POST https://uploads.github.com/repos/acme/go-service/releases/7/assets?name=${n}`),
      `PATCH ${api}/releases/7`,
    ]);
    expect(requests[2]!.json).toMatchObject({ tag_name: "v1.2.0", target_commitish: sha, draft: true, prerelease: false });
    expect(requests[2]!.json!["body"]).toContain(`### Bug fixes\n\n- **api:** answer 422 for bad ranges ([${sha.slice(0, 7)}](https://github.com/acme/go-service/commit/${sha}))`);
    expect(requests[2]!.json!["body"]).toContain("**Full changelog:** https://github.com/acme/go-service/compare/v1.1.0...v1.2.0");
    expect(requests.slice(4, -1).map((r) => r.file)).toEqual(SIGNED.map((n) => `/assets/${n}`));
    // The token: a secret variable of the HTTP client's container, never in a request file or a header it writes.
    const httpChain = execChainsOf(engine.records).find((e) => e.argv.join(" ") === HTTP_EXEC.join(" "))!.chain;
    const secretVars = httpChain.filter((s) => s.field === "withSecretVariable").map((s) => argText(s.args["name"]));
    expect(secretVars).toEqual(["PIPELINE_HTTP_TOKEN"]);
    expect(requests.every((r) => !JSON.stringify(r).toLowerCase().includes("authorization"))).toBe(true);

    expect(result).toContain("### GitHub release\n\n- create the draft release v1.2.0 on acme/go-service at");
    expect(result).toContain("- publish the release v1.2.0\n\nhttps://github.com/acme/go-service/releases/tag/v1.2.0");
  });

  it("--dry-run with the token: reads the release through the API and writes nothing anywhere (no push, no signature, no upload)", async () => {
    const root = copyExample("go-service", { "pipeline.yaml": WHOLE });
    await commitAll(root, "main", "feat: parse ranges");
    await gitIn(root, "tag", "v1.2.0");
    await gitIn(root, "remote", "add", "origin", "https://github.com/acme/go-service.git");
    const git = await realGitOutcomes(root, [headArgs(), allTagsArgs(), commitsSinceArgs(undefined)]);
    // GitHub as it answers before a first release: no such tag ref, no releases.
    const github = [answer(404, { message: "Not Found" }), answer(200, [])];
    const execOutcome = (argv: readonly string[]) => {
      if (argv.join(" ") === HTTP_EXEC.join(" ")) return github.shift() ?? { exitCode: 1, stderr: "pipeline: no more answers" };
      if (argv.join(" ") === checksumArgs("/dist").join(" ")) return { exitCode: 0, stdout: checksumOutput(BUILT) };
      return git(argv) ?? (argv.join(" ") === UNIT.join(" ") ? { exitCode: 0, stdout: readFixture("go/test-race-cover.jsonl") } : undefined);
    };
    const fileContents = (path: string) => (path === goArgs.COVERPROFILE ? readFixture("go/cover.out") : path === imageArgs.SCAN_REPORT ? readFixture("trivy/image-debian-stretch.json") : "");
    const { engine, result, error } = await recordRun(
      async () => (await pipelineWithGit(root)).release("v1.2.0", dag.secret("env://REGISTRY_TOKEN"), "ci-bot", undefined, undefined, undefined, undefined, undefined, true, dag.secret("env://GITHUB_TOKEN"), undefined, dag.secret("env://COSIGN_KEY"), dag.secret("env://COSIGN_PASSWORD")),
      { execOutcome, fileContents },
    );
    expect(error).toBeUndefined();
    expect(github).toEqual([]);
    const requests = execChainsOf(engine.records)
      .filter((e) => e.argv.join(" ") === HTTP_EXEC.join(" "))
      .map((e) => JSON.parse(newFilesOf(e.chain)["/pipeline/request.json"]!) as { method: string; url: string });
    expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual([`GET ${api}/git/ref/tags/v1.2.0`, `GET ${api}/releases?per_page=100`]);
    expect(engine.records.filter((r) => r.leaf === "publish")).toEqual([]);
    expect(engine.executedCommands().some((a) => a[0] === "cosign")).toBe(false);
    expect(result).toContain("Dry run of v1.2.0");
    expect(result).toContain("### Dry run: GitHub release\n\n- would create the draft release v1.2.0 on acme/go-service at");
    for (const name of BUILT) expect(result).toContain(`- would upload ${name}`);
  });

  it("detects GitLab from the remote and talks to its API v4 with --gitlab-token as PRIVATE-TOKEN (a secret variable); --dry-run reads only", async () => {
    const root = copyExample("go-service", { "pipeline.yaml": WHOLE.replace("  provider: github\n", "") });
    await commitAll(root, "main", "feat: parse ranges");
    await gitIn(root, "tag", "v1.2.0");
    await gitIn(root, "remote", "add", "origin", "git@gitlab.com:acme/platform/go-service.git");
    const git = await realGitOutcomes(root, [headArgs(), allTagsArgs(), commitsSinceArgs(undefined)]);
    // GitLab before a first release: no tag, no generic package, no release.
    const gitlab = [answer(404, { message: "404 Tag Not Found" }), answer(200, []), answer(404, { message: "404 Not Found" })];
    const execOutcome = (argv: readonly string[]) => {
      if (argv.join(" ") === HTTP_EXEC.join(" ")) return gitlab.shift() ?? { exitCode: 1, stderr: "pipeline: no more answers" };
      if (argv.join(" ") === checksumArgs("/dist").join(" ")) return { exitCode: 0, stdout: checksumOutput(BUILT) };
      return git(argv) ?? (argv.join(" ") === UNIT.join(" ") ? { exitCode: 0, stdout: readFixture("go/test-race-cover.jsonl") } : undefined);
    };
    const fileContents = (path: string) => (path === goArgs.COVERPROFILE ? readFixture("go/cover.out") : path === imageArgs.SCAN_REPORT ? readFixture("trivy/image-debian-stretch.json") : "");
    const { engine, result, error } = await recordRun(
      async () => (await pipelineWithGit(root)).release("v1.2.0", undefined, undefined, undefined, undefined, undefined, undefined, undefined, true, undefined, dag.secret("env://GITLAB_TOKEN")),
      { execOutcome, fileContents },
    );
    expect(error).toBeUndefined();
    expect(gitlab).toEqual([]);
    const http = execChainsOf(engine.records).filter((e) => e.argv.join(" ") === HTTP_EXEC.join(" "));
    const project = "https://gitlab.com/api/v4/projects/acme%2Fplatform%2Fgo-service";
    expect(http.map((e) => JSON.parse(newFilesOf(e.chain)["/pipeline/request.json"]!) as { method: string; url: string }).map((r) => `${r.method} ${r.url}`)).toEqual([
      `GET ${project}/repository/tags/v1.2.0`,
      `GET ${project}/packages?package_type=generic&package_name=release&per_page=100`,
      `GET ${project}/releases/v1.2.0`,
    ]);
    expect(envOf(http[0]!.chain)["PIPELINE_HTTP_AUTH"]).toBe("private-token");
    expect(http[0]!.chain.filter((s) => s.field === "withSecretVariable").map((s) => s.args)).toEqual([{ name: "PIPELINE_HTTP_TOKEN", secret: { $chain: [{ field: "secret", args: { uri: "env://GITLAB_TOKEN" } }] } }]);
    expect(result).toContain("### Dry run: GitLab release\n\n");
    expect(result).toContain("- would create the release v1.2.0 on acme/platform/go-service at");
  });
});
