import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { pinnedDaggerVersion } from "../../cli/dagger-version.js";
import { tempDir } from "../helpers/examples.js";
import { generatedRepos, MODULE } from "../helpers/wrappers.js";

// GitLab's own schema for .gitlab-ci.yml, copied verbatim (see its SOURCES.md); it lives beside the repository.
const schemaFile = new URL("../../../shared/schemas/gitlab-ci.json", import.meta.url).pathname;
const yamllintConfig = new URL("../../ci/.yamllint.yml", import.meta.url).pathname;
const { userRepo, ownRepo } = generatedRepos("gitlab");
const file = join(userRepo, ".gitlab-ci.yml");
const ownFile = join(ownRepo, ".gitlab-ci.yml");
const text = readFileSync(file, "utf8");

interface Job {
  script: string[] | string;
  rules?: { if: string }[];
  coverage?: string;
  artifacts?: unknown;
  stage?: string;
}
type Config = Record<string, unknown> & { ci: Job; release: Job; variables: Record<string, string>; default: { before_script: string[] } };
/** The main file with the job files it includes merged in, as GitLab reads them. */
function merged(main: string): Config {
  const config = parse(readFileSync(main, "utf8")) as Config & { include?: { local: string }[] };
  const jobs = (config.include ?? []).map(({ local }) => parse(readFileSync(join(main, "..", local), "utf8")) as Record<string, unknown>);
  return Object.assign({}, config, ...jobs) as Config;
}
const config = merged(file);
const ownConfig = merged(ownFile);
const releaseFile = join(userRepo, ".gitlab/pipeline-release.yml");
const VARIANTS = [
  ["a user's repository", file],
  ["this module's repository", ownFile],
  ["the release job's file", releaseFile],
] as const;

function validator() {
  // ajv-formats is CommonJS: its default export arrives wrapped under NodeNext.
  const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(schemaFile, "utf8")) as object);
}

describe("generated .gitlab-ci.yml", () => {
  it.for(VARIANTS)("validates against GitLab's CI schema (%s), and a misspelt key does not (the validator is live)", ([, path], ctx) => {
    if (!existsSync(schemaFile)) ctx.skip(`GitLab's schema is absent: ${schemaFile} (the shared/ folder beside the repository)`);
    const validate = validator();
    const source = readFileSync(path, "utf8");
    expect(validate(parse(source)), JSON.stringify(validate.errors, null, 2)).toBe(true);

    const mutated = parse(source.replace(/^ {2}script:/m, "  scriptt:")) as unknown;
    expect(validate(mutated)).toBe(false);
    const job = path === releaseFile ? "release" : "ci";
    expect(validate.errors).toContainEqual(
      expect.objectContaining({ instancePath: `/${job}`, keyword: "additionalProperties", params: { additionalProperty: "scriptt" } }),
    );
  });

  it("installs the pinned Dagger, exports the reports, then gives the verdict, through the published module in a user's repository", () => {
    expect(config.default.before_script).toContain(`DAGGER_VERSION=${pinnedDaggerVersion()} BIN_DIR=/usr/local/bin sh /tmp/install-dagger.sh`);
    const releaseText = readFileSync(releaseFile, "utf8");
    for (const source of [text, releaseText]) expect(source).not.toMatch(/\{\{[A-Z_]+\}\}/);
    const prefix = `dagger -m ${MODULE} call --source=. --git=. --git-ref="$GIT_REF"`;
    expect(config.ci.script).toEqual([`${prefix} reports -o reports`, `${prefix} ci`]);
    expect(config.release.script).toEqual([`${prefix} release --tag "$CI_COMMIT_TAG" --registry-token env://REGISTRY_TOKEN`]);
    for (const source of [text, releaseText]) expect(source).not.toMatch(/dagger call/);
    expect(ownConfig.ci.script).toEqual(['dagger call --git-ref="$GIT_REF" reports -o reports', 'dagger call --git-ref="$GIT_REF" ci']);
    expect(ownConfig.release.script).toEqual(['dagger call --git-ref="$GIT_REF" release --tag "$CI_COMMIT_TAG" --registry-token env://REGISTRY_TOKEN']);
    // Every report the pipeline writes, at any depth (reports/<project>/<stage>/ with projects): JUnit of every stage,
    // Cobertura, and the scan stage's three GitLab security reports.
    expect(config.ci.artifacts).toEqual({
      when: "always",
      paths: ["reports/"],
      reports: {
        junit: "reports/**/junit.xml",
        coverage_report: { coverage_format: "cobertura", path: "reports/**/coverage.cobertura.xml" },
        sast: "reports/**/gl-sast-report.json",
        dependency_scanning: "reports/**/gl-dependency-scanning-report.json",
        secret_detection: "reports/**/gl-secret-detection-report.json",
      },
    });
  });

  it("clones the whole history: the history's secret scan and the release notes read it", () => {
    expect(config.variables["GIT_DEPTH"]).toBe("0");
  });

  it("fails the job when the install script cannot be downloaded, even under a plain `sh -e`", async () => {
    // GitLab runs the lines in one shell with errexit; a curl failing as `curl -f` does on an HTTP error.
    const dir = tempDir("wrappers-gitlab-install-");
    mkdirSync(join(dir, "bin"));
    writeFileSync(join(dir, "bin/curl"), "#!/bin/sh\necho 'curl: (22) The requested URL returned error: 404' >&2\nexit 22\n");
    writeFileSync(join(dir, "bin/apk"), "#!/bin/sh\nexit 0\n");
    for (const tool of ["curl", "apk"]) chmodSync(join(dir, "bin", tool), 0o755);
    const env = { PATH: `${join(dir, "bin")}:${process.env.PATH ?? ""}` };
    const run = (lines: string[]) => execa("sh", ["-e", "-c", `${lines.join("\n")}\necho installed`], { env, reject: false });
    const result = await run(config.default.before_script);
    expect(result.exitCode).toBe(22);
    expect(result.stdout).toBe("");
    // The pipe this replaces hides the failure: `sh` reads nothing from it and succeeds.
    expect((await run(["curl -fsSL https://dl.dagger.io/dagger/install.sh | BIN_DIR=/usr/local/bin sh"])).stdout).toBe("installed");
  });

  it("runs Docker-in-Docker over TLS on a pinned docker version", () => {
    expect(config.variables).toMatchObject({
      DOCKER_HOST: "tcp://docker:2376",
      DOCKER_TLS_CERTDIR: "/certs",
      DOCKER_TLS_VERIFY: "1",
      DOCKER_CERT_PATH: "/certs/client",
    });
    expect(config.variables.DOCKER_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
    expect(config.default).toMatchObject({ image: "docker:${DOCKER_VERSION}", services: ["docker:${DOCKER_VERSION}-dind"] });
    expect(text).toMatch(/runner MUST be privileged/);
  });

  it("releases only on v* tags, with the token as a masked variable read through env://", () => {
    expect(config.release.rules).toEqual([{ if: "$CI_COMMIT_TAG =~ /^v/" }]);
    expect(config.release.script).toEqual([expect.stringMatching(/ release --tag "\$CI_COMMIT_TAG" --registry-token env:\/\/REGISTRY_TOKEN$/)]);
    expect(readFileSync(releaseFile, "utf8")).toMatch(/REGISTRY_TOKEN: a masked/);
  });

  it("reads the coverage percentage from the summary with its coverage: regex", () => {
    const source = config.ci.coverage?.match(/^\/(.*)\/$/)?.[1];
    expect(source).toBeDefined();
    const regex = new RegExp(source!);
    expect("| test | passed | line coverage 84.2% (threshold 80%) |".match(regex)?.[1]).toBe("84.2");
    expect("Coverage: 91%".match(regex)?.[1]).toBe("91");
    expect("42 tests: 42 passed, 0 failed, 0 skipped".match(regex)).toBeNull();
  });

  it("includes the release job's file, and stays thin: at most 30 lines of YAML besides comments in each file", () => {
    expect(parse(text)).toMatchObject({ include: [{ local: ".gitlab/pipeline-release.yml" }] });
    for (const path of [file, releaseFile]) expect(readFileSync(path, "utf8").split("\n").filter((line) => !/^\s*(#.*)?$/.test(line)).length).toBeLessThanOrEqual(30);
  });

  it.for(VARIANTS)("passes yamllint with ci/.yamllint.yml (%s)", async ([, path], ctx) => {
    const version = await execa("yamllint", ["--version"], { reject: false });
    if (version.exitCode !== 0) ctx.skip("yamllint is not installed (it is in tools/requirements.txt)");
    const result = await execa("yamllint", ["--strict", "-f", "parsable", "-c", yamllintConfig, path], { reject: false });
    expect(result.stdout).toBe("");
    expect(result.exitCode).toBe(0);
  });
});
