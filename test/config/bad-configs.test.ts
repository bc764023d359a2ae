import { describe, expect, it } from "vitest";
import { formatProblem, loadConfig } from "../../pipeline/src/config/load.js";

/**
 * The bad configs real teams write against the keys of issue 12 (projects,
 * stage before/after/commands/timeout/secrets, stages of their own, ci): each
 * one problem at its file:line:column, naming the key, what is wrong and the fix.
 */

interface BadConfig {
  name: string;
  yaml: string;
  /** `file:line:column path`, as the problem's first line starts. */
  at: string;
  message: RegExp;
  fix: RegExp;
}

const CASES: BadConfig[] = [
  // Unknown keys, with the key meant.
  { name: "a misspelt stage option", yaml: "stages:\n  test:\n    coverageTreshold: 80\n", at: "3:5 stages.test.coverageTreshold", message: /unknown key "coverageTreshold" \(did you mean "coverageThreshold"\?\)/, fix: /rename it to "coverageThreshold"/ },
  { name: "a misspelt project key", yaml: "projects:\n  api:\n    workdir: services/api\n    langauge: go\n", at: "4:5 projects.api.langauge", message: /unknown key "langauge" \(did you mean "language"\?\)/, fix: /rename it to "language"/ },
  { name: "a misspelt ci key", yaml: 'ci:\n  schedules: ["0 2 * * *"]\n', at: "2:3 ci.schedules", message: /unknown key "schedules" \(did you mean "schedule"\?\)/, fix: /rename it to "schedule"/ },
  { name: "an unknown key in a secret", yaml: "stages:\n  test:\n    secrets:\n      TOKEN: { from: env://TOKEN, path: /run/x }\n", at: "4:14 stages.test.secrets.TOKEN", message: /unknown key "path" in a secret/, fix: /\{ from: env:\/\/NAME, mount: \/run\/secrets\/name \}/ },
  { name: "an option of no stage, taken for a stage of your own", yaml: 'stages:\n  security: { image: "returntocorp/semgrep:1.100.0" }\n', at: "2:3 stages.security", message: /unknown stage "security": not a built-in stage, and no commands for a stage of your own/, fix: /a stage of your own needs commands/ },
  // Wrong types.
  { name: "a shell line where a list of commands belongs", yaml: "stages:\n  lint:\n    before: npm run lint\n", at: "3:13 stages.lint.before", message: /got the shell line "npm run lint": commands never run in a shell/, fix: /write it as \[\[npm, run, lint\]\]/ },
  { name: "a shell line where a command belongs", yaml: 'stages:\n  lint:\n    after: ["npm run lint"]\n', at: "3:13 stages.lint.after.0", message: /expected a command as an argv array, got the shell line "npm run lint"/, fix: /write it as \[npm, run, lint\], each argument its own item/ },
  { name: "an unquoted number in a command", yaml: "stages:\n  e2e:\n    commands: [[sleep, 10]]\n", at: "3:24 stages.e2e.commands.0.1", message: /expected every argument to be a non-empty string, got the number 10/, fix: /quote it: "10"/ },
  { name: "a stage of your own without a command", yaml: "stages:\n  e2e:\n    commands: []\n", at: "3:15 stages.e2e.commands", message: /expected at least one command, got an empty list/, fix: /write the stage's commands/ },
  { name: "a word where a boolean belongs", yaml: 'ci:\n  manual: "yes"\n', at: "2:11 ci.manual", message: /expected boolean, got string "yes"/, fix: /write a boolean here/ },
  { name: "a cron line out of range", yaml: 'ci:\n  schedule: ["0 25 * * *"]\n', at: "2:14 ci.schedule.0", message: /the hour field "25" is out of 0-23/, fix: /minute hour day-of-month month day-of-week/ },
  { name: "a report outside the project", yaml: "stages:\n  e2e:\n    commands: [[make]]\n    reports: [../out.sarif]\n", at: "4:15 stages.e2e.reports.0", message: /leaves it through "\.\."/, fix: /relative to the project folder/ },
  { name: "a floating image for a stage of your own", yaml: 'stages:\n  e2e: { image: "cypress/included:latest", commands: [[cypress, run]] }\n', at: "2:17 stages.e2e.image", message: /is not pinned: the image behind "latest" changes/, fix: /pin stages\.<name>\.image to a version tag or a digest/ },
  // A secret given as a literal.
  { name: "a token written into pipeline.yaml", yaml: "stages:\n  test:\n    secrets:\n      CODECOV_TOKEN: 0f3c9a1be2d44c5e\n", at: "4:22 stages.test.secrets.CODECOV_TOKEN", message: /a secret given as a literal value .*pipeline\.yaml is committed, so its value would be public/, fix: /with-secret --name CODECOV_TOKEN --value env:\/\/CODECOV_TOKEN/ },
  { name: "a literal as a mounted secret's source", yaml: "stages:\n  license:\n    commands: [[make, license]]\n    secrets:\n      LICENSE_KEY: { from: ABCD-1234, mount: /run/secrets/key }\n", at: "5:20 stages.license.secrets.LICENSE_KEY", message: /^from: a secret given as a literal value/, fix: /with-secret --name LICENSE_KEY/ },
  { name: "a webhook URL instead of the CI secret holding it", yaml: 'ci:\n  notify: { webhook: "https://hooks.slack.com/services/T0/B0/x" }\n', at: "2:22 ci.notify.webhook", message: /a URL given where the name of the CI secret holding it belongs/, fix: /store the value as a CI secret/ },
  { name: "a secret name no variable can have", yaml: "stages:\n  test:\n    secrets:\n      codecov-token: env://CODECOV_TOKEN\n", at: "4:7 stages.test.secrets.codecov-token", message: /a secret's name is an env variable's/, fix: /rename this key/ },
  // A timeout that is not a duration.
  { name: "a timeout without a unit", yaml: "stages:\n  test:\n    timeout: 600\n", at: "3:14 stages.test.timeout", message: /expected a duration with a unit, got the number 600: seconds or minutes\?/, fix: /a number with a unit, e.g. 10m, 90s or 1h30m/ },
  { name: "a timeout in words", yaml: "stages:\n  lint:\n    timeout: ten minutes\n", at: "3:14 stages.lint.timeout", message: /expected a duration like 10m, 90s or 1h30m, got "ten minutes"/, fix: /a number with a unit/ },
  { name: "a project's timeout as a quoted number", yaml: 'projects:\n  api:\n    workdir: api\n    stages:\n      test: { timeout: "10" }\n', at: "5:24 projects.api.stages.test.timeout", message: /got "10"/, fix: /a number with a unit/ },
  { name: "a timeout too short to run anything", yaml: "stages:\n  test:\n    timeout: 500ms\n", at: "3:14 stages.test.timeout", message: /a timeout of 500ms ends every command before it starts/, fix: /at least 1s/ },
  // Two projects with one workdir, and other projects mistakes.
  { name: "two projects with one workdir", yaml: "projects:\n  api: { workdir: services/api }\n  worker: { workdir: ./services/api/ }\n", at: "3:13 projects.worker.workdir", message: /projects "api" and "worker" have the same workdir "\.\/services\/api\/": one folder is one project/, fix: /point each project at its own folder, or merge "worker" into "api"/ },
  { name: "a project without its workdir", yaml: "projects:\n  api: { language: go }\n", at: "2:8 projects.api.workdir", message: /missing key "workdir"/, fix: /add workdir \(a string\) to projects\.api/ },
  { name: "the whole file's language beside projects", yaml: "language: go\nprojects:\n  api: { workdir: services/api }\n", at: "1:1 language", message: /with projects, "language" belongs to each project/, fix: /projects\.<name>\.language/ },
  { name: "a project name that is no folder name", yaml: "projects:\n  API: { workdir: services/api }\n", at: "2:3 projects.API", message: /a project's name is a folder of reports\//, fix: /rename this key/ },
];

describe("bad configs: one clear problem each, at file:line:column, with its fix", () => {
  it.each(CASES)("$name", ({ yaml, at, message, fix }) => {
    const result = loadConfig(yaml, "pipeline.yaml");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map(formatProblem), "exactly one problem").toHaveLength(1);
    const [problem] = result.problems;
    expect(`${problem!.line}:${problem!.column} ${problem!.path}`).toBe(at);
    expect(problem!.message).toMatch(message);
    expect(problem!.fix).toMatch(fix);
    expect(formatProblem(problem!)).toMatch(new RegExp(`^pipeline\\.yaml:${at.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: .+\n {2}Fix: .+`));
  });

  it("accepts each key once written right, so every case above fails for its one mistake", () => {
    const good = `stages:
  test:
    coverageThreshold: 80
    timeout: 10m
    secrets: { CODECOV_TOKEN: env://CODECOV_TOKEN }
  lint: { before: [[npm, run, lint]], after: [[npm, run, typecheck]], timeout: 90s }
  e2e:
    image: cypress/included:13.6.0
    commands: [[sleep, "10"], [cypress, run]]
    reports: [out.sarif]
    secrets: { LICENSE_KEY: { from: file://license.key, mount: /run/secrets/key } }
ci: { schedule: ["0 2 * * *"], manual: true, notify: { webhook: PIPELINE_WEBHOOK_URL } }
`;
    const single = loadConfig(good, "pipeline.yaml");
    expect(single.ok ? [] : single.problems.map(formatProblem)).toEqual([]);
    const projects = loadConfig("projects:\n  api: { workdir: services/api, language: go }\n  worker: { workdir: services/worker, stages: { test: { timeout: 1h30m } } }\n", "pipeline.yaml");
    expect(projects.ok ? projects.projects.map((p) => [p.name, p.config.workdir, p.config.stages.test.timeout]) : projects.problems.map(formatProblem)).toEqual([
      ["api", "services/api", undefined],
      ["worker", "services/worker", "1h30m"],
    ]);
  });
});
