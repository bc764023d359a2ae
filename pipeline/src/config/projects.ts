import type { z } from "../../vendor/zod.js";
import { splitStages, STAGE_NAMES, type PipelineConfig, type WrittenConfig } from "./schema.js";
import { closestKey } from "./suggest.js";

/**
 * `projects:` resolved: each project's keys over the top-level ones, checked
 * as a single-project pipeline.yaml is, so each project's config has the same
 * shape and defaults as a one-project file's.
 */

export interface ResolvedProject {
  /** Its key under `projects`: the folder of its reports and its label in the summary. */
  name: string;
  config: PipelineConfig;
}

type Issue = z.core.$ZodIssue;
type Validate = (data: unknown) => { ok: true; data: WrittenConfig } | { ok: false; issues: readonly Issue[] };

export interface ProjectProblem {
  path: (string | number)[];
  /** Issues of validating the merged project, their paths relative to `path`. */
  issues?: readonly Issue[];
  problem?: { message: string; fix: string };
}

/** The keys a project inherits from the top level when it does not set them. */
const INHERITED = ["images", "toolInputs", "stages", "services", "image", "release", "deploy"] as const;

export function toPipelineConfig(written: WrittenConfig): PipelineConfig {
  const rest: Omit<WrittenConfig, "stages" | "projects"> & Partial<Pick<WrittenConfig, "stages" | "projects">> = { ...written };
  delete rest.stages;
  delete rest.projects;
  return { ...rest, ...splitStages(written.stages) };
}

export function resolveProjects(raw: Record<string, unknown>, written: WrittenConfig, validate: Validate): { projects: ResolvedProject[]; problems: ProjectProblem[] } {
  const rawProjects = raw["projects"];
  if (written.projects === undefined || rawProjects === null || typeof rawProjects !== "object") return { projects: [], problems: [] };
  const problems: ProjectProblem[] = [];
  for (const key of ["language", "workdir"] as const) {
    if (raw[key] !== undefined && raw[key] !== null) {
      problems.push({
        path: [key],
        problem: {
          message: `with projects, "${key}" belongs to each project, not to the whole file`,
          fix: `move ${key} under each project in projects (projects.<name>.${key}), or remove projects for a single-project file`,
        },
      });
    }
  }
  const names = Object.keys(written.projects);
  if (names.length === 0) {
    problems.push({ path: ["projects"], problem: { message: "projects lists no project", fix: "add a project (projects: { api: { workdir: services/api } }) or remove projects" } });
  }
  const defaults = Object.fromEntries(INHERITED.filter((key) => raw[key] !== undefined && raw[key] !== null).map((key) => [key, raw[key]]));
  const projects: ResolvedProject[] = [];
  const byWorkdir = new Map<string, string>();
  for (const name of names) {
    const own = (rawProjects as Record<string, unknown>)[name];
    const merged = merge(defaults, own ?? {});
    const result = validate(merged);
    if (!result.ok) {
      problems.push({ path: ["projects", name], issues: result.issues });
      continue;
    }
    const workdir = normalizedFolder(result.data.workdir);
    const other = byWorkdir.get(workdir);
    if (other !== undefined) {
      problems.push({
        path: ["projects", name, "workdir"],
        problem: {
          message: `projects "${other}" and "${name}" have the same workdir "${result.data.workdir}": one folder is one project`,
          fix: `point each project at its own folder, or merge "${name}" into "${other}"`,
        },
      });
      continue;
    }
    byWorkdir.set(workdir, name);
    projects.push({ name, config: toPipelineConfig(result.data) });
  }
  return { projects, problems };
}

/** A stage under `stages` that is no built-in one and has no commands: a typo or a misplaced option. */
export function unknownStageProblem(name: string, value: unknown): { message: string; fix: string } | undefined {
  if ((STAGE_NAMES as readonly string[]).includes(name)) return undefined;
  if (value !== null && typeof value === "object" && !Array.isArray(value) && "commands" in value) return undefined;
  const guess = closestKey(name, STAGE_NAMES);
  return {
    message: `unknown stage "${name}"${guess ? ` (did you mean "${guess}"?)` : ""}: not a built-in stage, and no commands for a stage of your own`,
    fix:
      `${guess ? `rename it to "${guess}", or ` : ""}use a built-in stage (${STAGE_NAMES.join(", ")}); ` +
      `a stage of your own needs commands (and may set image): ${name}: { image: <image:tag>, commands: [[make, check]] }`,
  };
}

/** `own` over `base`: mappings key by key, anything else (a list, a value) replaced; null is "not set". */
function merge(base: unknown, own: unknown): unknown {
  if (own === null || own === undefined) return base;
  if (!isMapping(base) || !isMapping(own)) return own;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(own)) out[key] = merge(base[key], value);
  return out;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function normalizedFolder(path: string): string {
  const parts = path.split(/[/\\]+/).filter((p) => p !== "" && p !== ".");
  return parts.join("/") || ".";
}
