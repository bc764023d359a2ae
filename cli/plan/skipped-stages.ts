import type { SkippedStage } from "./document.js";

/**
 * The stages a run skipped, with their reasons, read from the summary the
 * function returned (or failed with): its `## ⏭ <stage>` sections, each
 * reason the first `- ` line under it (pipeline/modules/report/summary.ts
 * writes them; the lines after it are the stage's other details). With `projects`, a project's part is headed `## <name>: Pipeline: …`
 * and its stages one level down, named here `<name>/<stage>` as the
 * containers' labels name them.
 */
export function skippedStages(summary: string): SkippedStage[] {
  const skipped: SkippedStage[] = [];
  const projects: { level: number; name: string }[] = [];
  let current: { stage: string; reasons: string[] } | undefined;
  const close = () => {
    if (current) skipped.push({ stage: current.stage, reason: current.reasons[0] ?? "" });
    current = undefined;
  };
  for (const line of summary.split("\n")) {
    const heading = /^(#+) (.*)$/.exec(line);
    if (heading) {
      close();
      const level = heading[1]!.length;
      const text = heading[2]!;
      while (projects.length > 0 && projects[projects.length - 1]!.level >= level) projects.pop();
      const stage = /^⏭ (.+)$/.exec(text)?.[1];
      const project = /^(?:[✅❌] )?([^:]+): Pipeline: /u.exec(text)?.[1];
      if (stage !== undefined) {
        const owner = projects[projects.length - 1];
        current = { stage: owner ? `${owner.name}/${stage}` : stage, reasons: [] };
      } else if (project !== undefined) projects.push({ level, name: project });
      continue;
    }
    const reason = /^- (.*)$/.exec(line)?.[1];
    if (current && reason !== undefined) current.reasons.push(reason);
  }
  close();
  return skipped;
}
