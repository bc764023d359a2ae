import { dag } from "@dagger.io/dagger";
import type { RecordingEngineOptions } from "../../cli/recording-engine/engine.js";
import { recordRun } from "../../cli/recording-engine/run.js";
import { importFromRuntimeView } from "../../cli/runtime-view/load.js";
import { newFilesOf } from "./records.js";

/**
 * The module object on a host folder, as `dagger call --source=<root>` would
 * build it, loaded from the runtime's view of the module (call inside recordRun).
 */
export async function pipelineOn(root: string) {
  const { Pipeline } = await importFromRuntimeView();
  return new Pipeline(dag.host().directory(root));
}

/**
 * The summary a stage's check prints: the same run the check makes, read
 * directly because a check itself returns nothing (call inside recordRun).
 */
export async function stageSummary(root: string, stage: "lint" | "test" | "integration" | "propertyTest" | "scan" | "bench"): Promise<string> {
  const { runStages } = await importFromRuntimeView<typeof import("../../pipeline/src/run/stages.js")>("src/run/stages.ts");
  return (await runStages(dag.host().directory(root), [stage])).summary;
}

/** The report files `reports()` writes when every stage produced its reports (sorted). */
export const EVERY_STAGE_REPORTS = [
  "bench/current.json",
  "bench/output.txt",
  "lint/output.txt",
  "propertyTest/junit.xml",
  "scan/scan.sarif",
  "scan/summary.md",
  "summary.md",
  "test/coverage.cobertura.xml",
  "test/coverage.md",
  "test/junit.xml",
];

/** Runs `reports()` on the recording engine and returns the files of the Directory it built, by path. */
export async function reportFiles(root: string, options: RecordingEngineOptions): Promise<Record<string, string>> {
  const { engine, error } = await recordRun(async () => (await pipelineOn(root)).reports().then((d) => d.id()), options);
  if (error) throw error instanceof Error ? error : new Error("reports() failed");
  const built = engine.records.filter((r) => r.leaf === "id" && r.steps[0]?.field === "directory").pop();
  if (!built) throw new Error("reports() built no directory");
  return newFilesOf(built.steps);
}
