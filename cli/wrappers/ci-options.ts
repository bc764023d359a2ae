import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { formatProblem, loadConfig } from "../../pipeline/src/config/load.js";
import type { CiConfig } from "../../pipeline/src/config/ci-keys.js";
import { CliError } from "../errors.js";

/**
 * pipeline.yaml's `ci` section of the repository the wrappers go into (its
 * defaults when there is no file): the triggers, the coverage upload, the
 * failure notification and the release's environment the files are written
 * with. A file that does not validate stops the wrappers, naming its problems.
 */
export function ciOptionsOf(repoDir: string): CiConfig {
  const file = join(repoDir, "pipeline.yaml");
  const loaded = loadConfig(existsSync(file) ? readFileSync(file, "utf8") : undefined, file);
  if (!loaded.ok) {
    throw new CliError("WRAPPERS_CONFIG_INVALID", `${loaded.problems.map(formatProblem).join("\n")}\n  (the wrappers are written from ${file}'s ci section; pipeline validate checks it)`);
  }
  return loaded.config.ci;
}

/** A flow-style YAML list of quoted strings: cron lines and path globs as GitHub and GitLab read them. */
const list = (items: readonly string[]) => `[${items.map((item) => JSON.stringify(item)).join(", ")}]`;

/** The placeholders each provider's templates take, filled from the `ci` section; an empty one drops its line. */
export function ciValues(ci: CiConfig): Record<string, string> {
  const paths = ci.paths?.length ? `, paths: ${list(ci.paths)}` : "";
  const webhook = ci.notify?.webhook;
  return {
    GITHUB_TRIGGERS: [
      `push: {branches: ["**"]${paths}}`,
      paths ? `pull_request: {paths: ${list(ci.paths!)}}` : "pull_request:",
      ...(ci.schedule.length ? [`schedule: [${ci.schedule.map((cron) => `{cron: ${JSON.stringify(cron)}}`).join(", ")}]`] : []),
      ...(ci.manual ? ["workflow_dispatch:"] : []),
    ].join("\n"),
    GITHUB_CODECOV: ci.codecov
      ? ["- uses: codecov/codecov-action@v5", "  if: always()", '  with: {files: reports/test/coverage.cobertura.xml, token: "${{ secrets.CODECOV_TOKEN }}"}'].join("\n")
      : "",
    // The default branch or a tag only: a pull request's failure shows on its own page.
    GITHUB_NOTIFY: webhook
      ? [
          "- if: failure() && (github.ref_type == 'tag' || github.ref_name == github.event.repository.default_branch)",
          `  env: {WEBHOOK: "\${{ secrets.${webhook} }}"}`,
          "  run: >-",
          `    printf '{"text":"%s failed, see %s"}' "$GITHUB_REPOSITORY"`,
          '    "$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID"',
          '    | curl -fsS --json @- "$WEBHOOK"',
        ].join("\n")
      : "",
    GITHUB_ENVIRONMENT: ci.environment ? `environment: ${JSON.stringify(ci.environment)}` : "",
    // A schedule, a manual run (source web) and every push or merge request, narrowed to the paths when given.
    GITLAB_CI_RULES: paths
      ? `rules: [{if: '$CI_PIPELINE_SOURCE =~ /^(schedule|web)$/'}, {changes: ${list(ci.paths!)}}]`
      : "",
    // Its own job in the last stage, run only when an earlier one failed; the URL stays a masked variable.
    GITLAB_NOTIFY: webhook
      ? [
          "notify:",
          "  stage: .post",
          "  rules: [{if: $CI_COMMIT_TAG, when: on_failure}, {if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH', when: on_failure}]",
          "  services: []",
          "  before_script: [apk add --no-cache curl]",
          "  script:",
          "    - >-",
          `      printf '{"text":"%s failed, see %s"}' "$CI_PROJECT_PATH" "$CI_PIPELINE_URL"`,
          `      | curl -fsS --json @- "$${webhook}"`,
        ].join("\n")
      : "",
    GITLAB_ENVIRONMENT: ci.environment ? `environment: ${JSON.stringify(ci.environment)}` : "",
  };
}
