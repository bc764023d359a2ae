import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { writeWrappers } from "../../cli/commands/wrappers.js";
import { pinnedDaggerVersion } from "../../cli/dagger-version.js";
import { tempDir } from "../helpers/examples.js";

// GitLab's own schema for .gitlab-ci.yml, copied verbatim (see its SOURCES.md); it lives beside the repository.
const schemaFile = new URL("../../../shared/schemas/gitlab-ci.json", import.meta.url).pathname;
const yamllintConfig = new URL("../../ci/.yamllint.yml", import.meta.url).pathname;
const dir = tempDir("wrappers-gitlab-");
writeWrappers({ provider: "gitlab", outDir: dir });
const file = join(dir, ".gitlab-ci.yml");
const text = readFileSync(file, "utf8");

interface Job {
  script: string[];
  rules?: { if: string }[];
  coverage?: string;
  artifacts?: unknown;
  stage?: string;
}
const config = parse(text) as Record<string, unknown> & { ci: Job; release: Job; variables: Record<string, string> };

function validator() {
  // ajv-formats is CommonJS: its default export arrives wrapped under NodeNext.
  const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(schemaFile, "utf8")) as object);
}

describe("generated .gitlab-ci.yml", () => {
  it("validates against GitLab's CI schema, and a misspelt key does not (the validator is live)", (ctx) => {
    if (!existsSync(schemaFile)) ctx.skip(`GitLab's schema is absent: ${schemaFile} (the shared/ folder beside the repository)`);
    const validate = validator();
    expect(validate(config), JSON.stringify(validate.errors, null, 2)).toBe(true);

    const mutated = parse(text.replace(/^ {2}script:/m, "  scriptt:")) as unknown;
    expect(validate(mutated)).toBe(false);
    expect(validate.errors).toContainEqual(
      expect.objectContaining({ instancePath: "/ci", keyword: "additionalProperties", params: { additionalProperty: "scriptt" } }),
    );
  });

  it("installs the pinned Dagger, exports the reports, then gives the verdict", () => {
    expect(config.variables.DAGGER_VERSION).toBe(pinnedDaggerVersion());
    expect(text).not.toMatch(/\{\{[A-Z_]+\}\}/);
    expect(config.ci.script).toEqual(["dagger call reports export --path reports", "cat reports/summary.md", "dagger call ci"]);
    expect(config.ci.artifacts).toEqual({
      when: "always",
      paths: ["reports/"],
      reports: {
        junit: "reports/*/junit.xml",
        coverage_report: { coverage_format: "cobertura", path: "reports/test/coverage.cobertura.xml" },
      },
    });
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
    expect(config.release.script).toEqual(['dagger call release --tag "$CI_COMMIT_TAG" --registry-token env://REGISTRY_TOKEN']);
    expect(text).toMatch(/REGISTRY_TOKEN: a masked/);
  });

  it("reads the coverage percentage from the summary with its coverage: regex", () => {
    const source = config.ci.coverage?.match(/^\/(.*)\/$/)?.[1];
    expect(source).toBeDefined();
    const regex = new RegExp(source!);
    expect("| test | passed | line coverage 84.2% (threshold 80%) |".match(regex)?.[1]).toBe("84.2");
    expect("Coverage: 91%".match(regex)?.[1]).toBe("91");
    expect("42 tests: 42 passed, 0 failed, 0 skipped".match(regex)).toBeNull();
  });

  it("passes yamllint with ci/.yamllint.yml", async (ctx) => {
    const version = await execa("yamllint", ["--version"], { reject: false });
    if (version.exitCode !== 0) ctx.skip("yamllint is not installed (Debian: apt-get install yamllint)");
    const result = await execa("yamllint", ["--strict", "-f", "parsable", "-c", yamllintConfig, file], { reject: false });
    expect(result.stdout).toBe("");
    expect(result.exitCode).toBe(0);
  });
});
