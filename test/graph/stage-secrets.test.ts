import { dag } from "@dagger.io/dagger";
import { describe, expect, it } from "vitest";
import type { CallRecord } from "../../cli/recording-engine/engine.js";
import { argText, isChainRef, type Step } from "../../cli/recording-engine/query.js";
import { recordRun } from "../../cli/recording-engine/run.js";
import { PLAN_SCHEMA_VERSION, type PlanDocument } from "../../cli/plan/document.js";
import { buildPlan } from "../../cli/plan/graph.js";
import { renderPlan } from "../../cli/plan/render.js";
import { copyExample } from "../helpers/examples.js";
import { pipelineOn } from "../helpers/pipeline.js";
import { envOf, execChainsOf, newFilesOf } from "../helpers/records.js";

/**
 * pipeline.yaml's stages.<stage>.secrets, recorded: each secret given to the
 * call (with-secret) reaches the stages naming it, as a secret variable or a
 * mounted file, after the installs; and its value appears nowhere: in no
 * request the module sent, no plan, no report, no summary.
 */

/** Unique plaintexts, planted: if one shows anywhere but where the test itself created the secret, it leaked. */
const PLANTED = { codecov: "codecov-planted-5b1e07d2", license: "license-planted-9c44af10" };

const CONFIG = `stages:
  test:
    secrets: { CODECOV_TOKEN: env://CODECOV_TOKEN }
  propertyTest: { enabled: false }
  bench: { enabled: false }
  license-check:
    commands: [[go, run, ./cmd/license, --key-file, /run/secrets/license.key]]
    secrets:
      LICENSE_KEY: { from: file://license.key, mount: /run/secrets/license.key }
`;

/** The setSecret a step argument refers to, by its name, if it is one. */
function secretName(value: unknown): string | undefined {
  if (!isChainRef(value)) return undefined;
  const first = value.$chain[0];
  return first?.field === "setSecret" ? argText(first.args["name"]) : undefined;
}

/** Every step of every recorded chain (and chain they refer to) whose arguments name a secret. */
function stepsUsingSecrets(records: readonly CallRecord[]): Step[] {
  const found: Step[] = [];
  const visit = (steps: readonly Step[]) => {
    for (const step of steps) {
      for (const value of Object.values(step.args)) {
        if (secretName(value) !== undefined) found.push(step);
        if (isChainRef(value)) visit(value.$chain);
      }
    }
  };
  for (const record of records) visit(record.steps);
  return found;
}

async function reportsWithSecrets(root: string, give = true) {
  const bodies: string[] = [];
  const run = await recordRun(
    async () => {
      let pipeline = await pipelineOn(root);
      if (give) {
        pipeline = pipeline.withSecret("CODECOV_TOKEN", dag.setSecret("codecov", PLANTED.codecov)).withSecret("LICENSE_KEY", dag.setSecret("license", PLANTED.license));
      }
      return (await pipeline.reports()).id();
    },
    { onRequestBody: (body) => bodies.push(body) },
  );
  if (run.error) throw run.error instanceof Error ? run.error : new Error("reports() failed");
  const built = run.engine.records.filter((r) => r.leaf === "id" && r.steps[0]?.field === "directory").pop()!;
  const plan: PlanDocument = {
    schemaVersion: PLAN_SCHEMA_VERSION,
    function: "reports",
    arguments: {},
    source: root,
    ...buildPlan(run.engine.records, { root, ignore: [] }),
    skippedStages: [],
    outcome: { ok: true, returns: "a Directory" },
  };
  return { ...run, bodies, files: newFilesOf(built.steps), plan, execs: execChainsOf(run.engine.records) };
}

describe("stage secrets", () => {
  it("reach only the stages naming them, after the installs, as a secret variable or a file only the stage's user reads", async () => {
    const { execs } = await reportsWithSecrets(copyExample("go-service", { "pipeline.yaml": CONFIG }));
    const chainOf = (argv: string) => execs.find((e) => e.argv.join(" ") === argv)!.chain;
    const secretSteps = (chain: readonly Step[]) => chain.filter((s) => Object.values(s.args).some((v) => secretName(v) !== undefined));

    const unit = execs.find((e) => e.tool && e.argv[0] === "go" && e.argv[1] === "test" && e.argv.includes("-race"))!.chain;
    expect(secretSteps(unit).map((s) => [s.field, argText(s.args["name"]), secretName(s.args["secret"])])).toEqual([["withSecretVariable", "CODECOV_TOKEN", "codecov"]]);
    // Given after the install: `go mod download` ran without it, in the chain before it.
    const download = unit.findIndex((s) => s.field === "withExec" && (s.args["args"] as string[]).join(" ") === "go mod download");
    expect(download).toBeGreaterThanOrEqual(0);
    expect(unit.findIndex((s) => s.field === "withSecretVariable")).toBeGreaterThan(download);
    // Never a plain env value, whatever its name.
    expect(envOf(unit)["CODECOV_TOKEN"]).toBeUndefined();

    const license = chainOf("go run ./cmd/license --key-file /run/secrets/license.key");
    expect(secretSteps(license).map((s) => [s.field, argText(s.args["path"]), secretName(s.args["source"]), s.args["owner"], s.args["mode"]])).toEqual([
      ["withMountedSecret", "/run/secrets/license.key", "license", "65532:65532", 0o400],
    ]);
    // No other stage gets either.
    for (const argv of ["go vet ./...", "gofmt -l ."]) expect(secretSteps(chainOf(argv)), argv).toEqual([]);
  });

  it("never shows a planted value: not in any request body the module sent, the plan, a report or the summary", async () => {
    const run = await reportsWithSecrets(copyExample("go-service", { "pipeline.yaml": CONFIG }));
    // Both secrets were used: a test that planted unused values would prove nothing.
    const used = stepsUsingSecrets(run.engine.records).map((s) => s.field);
    expect(used).toEqual(expect.arrayContaining(["withSecretVariable", "withMountedSecret"]));
    // The module never asked for a secret's value.
    expect(run.engine.records.filter((r) => r.leaf === "plaintext")).toEqual([]);

    // The test's own setSecret calls hold their plaintexts (the SDK asks for the secret's ID at each use): proof the
    // search finds a value where there is one. Every other body is searched.
    const own = (body: string) => /^\{ setSecret \(name: "(codecov|license)",plaintext: "[a-z0-9-]+"\) \{ id \} \}$/.test((JSON.parse(body) as { query: string }).query.replace(/\s+/g, " ").trim());
    const holding = run.bodies.filter((body) => Object.values(PLANTED).some((value) => body.includes(value)));
    expect(holding.length).toBeGreaterThanOrEqual(2);
    expect(holding.filter((body) => !own(body))).toEqual([]);
    const everything = [
      ...run.bodies.filter((body) => !own(body)),
      JSON.stringify(run.engine.records),
      JSON.stringify(run.plan),
      renderPlan(run.plan, "."),
      ...Object.values(run.files),
    ].join("\n");
    for (const value of Object.values(PLANTED)) expect(everything).not.toContain(value);
    // The plan names them by reference only.
    expect(renderPlan(run.plan, ".")).toMatch(/secret CODECOV_TOKEN|CODECOV_TOKEN.*codecov/);
  });

  it("fails a stage whose secret was not given, saying how to give it, and runs the others", async () => {
    const { files } = await reportsWithSecrets(copyExample("go-service", { "pipeline.yaml": CONFIG }), false);
    const summary = files["summary.md"]!;
    expect(summary).toContain("stages.test.secrets: CODECOV_TOKEN was not given to this call, so the stage did not run.");
    expect(summary).toContain("Fix: give it before the function: dagger call with-secret --name CODECOV_TOKEN --value env://CODECOV_TOKEN <function>");
    expect(summary).toContain("with-secret --name LICENSE_KEY --value file://license.key");
    expect(summary).toMatch(/\| lint \| ✅ passed \|/);
  });

  it("refuses a secret name that is no variable's, before anything runs", async () => {
    const run = await recordRun(async () => (await pipelineOn(copyExample("go-service"))).withSecret("codecov-token", dag.setSecret("x", "y")));
    expect((run.error as Error).name).toBe("PipelineUserError");
    expect((run.error as Error).message).toContain('with-secret --name "codecov-token": a secret\'s name is an env variable\'s');
  });
});
