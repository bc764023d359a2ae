import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { writeWrappers } from "../../cli/commands/wrappers.js";
import { MODULE_REF } from "../../cli/wrappers/call-prefix.js";
import { REPO, tempDir } from "../helpers/examples.js";
import { RELEASES } from "../helpers/wrappers.js";

/** The README's "## CI wrappers" section: how a user forms `--module` and runs the same on a laptop. */
const section = (() => {
  const readme = readFileSync(join(REPO, "README.md"), "utf8");
  const start = readme.indexOf("\n## CI wrappers\n");
  return readme.slice(start, readme.indexOf("\n## ", start + 1));
})();
const daggerJson = JSON.parse(readFileSync(join(REPO, "dagger.json"), "utf8")) as { source?: string };

describe("the README's module reference", () => {
  const examples = [...section.matchAll(/--module (\S+?)`/g)].map((m) => m[1]!);
  const laptop = [...section.matchAll(/`dagger -m (\S+) call --source=\. --git=\. ci`/g)].map((m) => m[1]!);

  it("gives the root module's form and the subfolder form, as dagger.json lays this module out", () => {
    // At the root: the reference is the repository itself. A dagger.json in a subfolder would need the subpath form.
    expect(daggerJson.source).toBe("pipeline");
    expect(section).toContain("`github.com/<owner>/<repo>@vX.Y.Z`");
    expect(section).toContain("`github.com/<owner>/<repo>/<subpath>@<version>`");
  });

  it("has a concrete example that --module takes, and the laptop command calls the same with the checkout's flags", () => {
    const concrete = examples.filter((ref) => !ref.includes("<"));
    expect(concrete.length).toBeGreaterThan(0);
    for (const ref of concrete) expect(MODULE_REF.test(ref), ref).toBe(true);
    expect(laptop.length).toBeGreaterThan(0);
    for (const ref of laptop) expect(concrete).toContain(ref);
  });

  it("writes files calling `dagger -m <ref> call --source=. --git=.` with the README's example", () => {
    const ref = examples.find((r) => !r.includes("<"))!;
    const dir = tempDir("module-reference-");
    writeFileSync(join(dir, "pipeline.yaml"), RELEASES);
    writeWrappers({ provider: "github", outDir: dir, module: ref });
    writeWrappers({ provider: "gitlab", outDir: dir, module: ref });
    const local = `dagger -m ${ref} call --source=. --git=.`;
    const prefix = `${local} --git-ref="$GIT_REF"`;
    const steps = (parse(readFileSync(join(dir, ".github/workflows/ci.yml"), "utf8")) as { jobs: { ci: { steps: { run?: string }[] } } }).jobs.ci.steps;
    expect(steps.flatMap((s) => (s.run?.startsWith("dagger ") ? [s.run] : []))).toEqual([`${prefix} reports -o reports`, `${prefix} ci`]);
    expect((parse(readFileSync(join(dir, ".gitlab-ci.yml"), "utf8")) as { ci: { script: string[] } }).ci.script).toEqual([`${prefix} reports -o reports`, `${prefix} ci`]);
    // The header's laptop line is the README's command.
    expect(readFileSync(join(dir, ".github/workflows/ci.yml"), "utf8")).toContain(`#   ${local} ci\n`);
  });
});
