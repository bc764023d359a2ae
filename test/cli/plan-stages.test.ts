import { cpSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { planFunction } from "../../cli/commands/plan.js";
import type { Container } from "../../cli/plan/document.js";
import { STAGE_LABEL } from "../../pipeline/modules/call-inputs.js";
import * as goArgs from "../../pipeline/modules/go/args.js";
import { IMAGES } from "../../pipeline/modules/pins.js";
import { STAGE_NAMES } from "../../pipeline/src/config/schema.js";
import { cli } from "../helpers/cli.js";
import { examplePath, tempDir } from "../helpers/examples.js";

/**
 * Which stage each container of a plan runs for (the label the stage puts on
 * its containers, read back), and which stages the run skipped and why.
 */

const containersOf = (groups: { containers: Container[] }[]) => groups.flatMap((g) => g.containers);
const lastArgv = (c: Container) => c.execs[c.execs.length - 1]?.argv.join(" ");

describe("plan ci of one project", () => {
  it("names the stage of every container; the test and bench execs run in their stages' containers", async () => {
    const { document } = await planFunction({ fn: "ci", source: examplePath("go-service") });
    const containers = containersOf(document.groups);
    for (const container of containers) {
      const stages = container.stage === null ? container.sharedBy : [container.stage];
      expect(stages.length, `${container.id} ${lastArgv(container)}`).toBeGreaterThan(0);
      for (const stage of stages) expect(STAGE_NAMES as readonly string[]).toContain(stage);
    }
    const runs = (argv: string[]) => containers.filter((c) => lastArgv(c) === argv.join(" ")).map((c) => c.stage);
    expect(runs(goArgs.unitTestArgs({ race: true }))).toEqual(["test"]);
    expect(runs(goArgs.benchArgs(1))).toEqual(["bench"]);
    expect(runs(goArgs.vetArgs())).toEqual(["lint"]);
    // The label is the container's stage, not a step of its own.
    expect(containers.flatMap((c) => c.steps).filter((s) => s.op === "config" && s.arguments["name"] === STAGE_LABEL)).toEqual([]);
  });

  it("prints the stage before each container's image, and the skipped stages with their reasons", async () => {
    const root = tempDir("plan-stages-");
    cpSync(examplePath("go-service"), root, { recursive: true });
    writeFileSync(join(root, "pipeline.yaml"), "stages:\n  scan: { enabled: false }\n");
    const { code, out } = await cli("plan", "ci", "--source", root);
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`^  ∥\\d+ \\[test\\] ${IMAGES.go.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "m"));
    expect(out).not.toContain("[scan]");
    const skipped = out.slice(out.indexOf("\nSkipped stages:\n"));
    expect(skipped).toContain("\n  scan: disabled in pipeline.yaml (stages.scan.enabled)\n");
    expect(out.indexOf("\nSkipped stages:\n")).toBeGreaterThan(out.lastIndexOf("Group "));
  });
});

describe("plan ci of a projects config", () => {
  it("names each container `<project>/<stage>` and each skipped stage the same way, in the text and --json", async () => {
    const root = tempDir("plan-stages-projects-");
    cpSync(examplePath("go-service"), join(root, "services/api"), { recursive: true });
    cpSync(examplePath("node-service"), join(root, "web"), { recursive: true, filter: (src) => basename(src) !== "node_modules" });
    writeFileSync(
      join(root, "pipeline.yaml"),
      "stages:\n  scan: { enabled: false }\nprojects:\n  api: { workdir: services/api }\n  web:\n    workdir: web\n    stages: { test: { enabled: false } }\n",
    );
    const { document } = await planFunction({ fn: "ci", source: root });
    const containers = containersOf(document.groups);
    const stages = new Set(containers.flatMap((c) => (c.stage === null ? c.sharedBy : [c.stage])));
    expect([...stages].every((s) => /^(api|web)\/\w+$/.test(s)), [...stages].join(", ")).toBe(true);
    expect(containers.filter((c) => lastArgv(c) === goArgs.unitTestArgs({ race: true }).join(" ")).map((c) => c.stage)).toEqual(["api/test"]);
    expect(containers.filter((c) => lastArgv(c) === "npm run lint").map((c) => c.stage)).toEqual(["web/lint"]);
    // web's tests are off: no container of it, and the reason names the key that turned them off.
    expect(stages.has("web/test")).toBe(false);
    expect(document.skippedStages).toContainEqual({ stage: "web/test", reason: "disabled in pipeline.yaml (projects.web.stages.test.enabled)" });
    expect(document.skippedStages).toContainEqual({ stage: "api/scan", reason: "disabled in pipeline.yaml (projects.api.stages.scan.enabled)" });

    const { out } = await cli("plan", "ci", "--source", root);
    expect(out).toMatch(/^ {2}[∥•]\d* ?\[api\/test\] golang:/m);
    expect(out).toContain("\n  web/test: disabled in pipeline.yaml (projects.web.stages.test.enabled)\n");
  });
});
