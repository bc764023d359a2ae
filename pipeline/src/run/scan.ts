import { readProjectFile } from "../../modules/project.js";
import { scanStage, SCAN_TOOLS } from "../../modules/scan/index.js";
import type { StageResult } from "../../modules/stage.js";
import type { ToolchainOptions } from "../../modules/toolchain.js";
import { parseScanIgnore, todayUtc } from "../config/scan-ignore.js";
import type { LoadedProject } from "./load-project.js";

/** Scanner names as findings and the ignore file's `tool:` spell them. */
const TOOL_NAMES = ["govulncheck", "gosec", "osv-scanner", "pip-audit", "semgrep", "bandit", "gitleaks", "trivy", "hadolint"];

/**
 * The scan stage of a loaded project: its ignore file read and checked
 * (a problem in it fails this stage alone, naming the line), then every
 * scanner that applies.
 */
export async function runScan(loaded: LoadedProject, toolchain: ToolchainOptions): Promise<StageResult> {
  const { config, project, language } = loaded;
  const settings = config.stages.scan;
  const ignoreFile = settings.ignoreFile;
  const fromRoot = config.workdir === "." ? ignoreFile : `${config.workdir}/${ignoreFile}`;
  const text = await readProjectFile(project, ignoreFile);
  const { rules, problems } = text === undefined ? { rules: [], problems: [] } : parseScanIgnore(text, fromRoot, todayUtc(), TOOL_NAMES);
  return scanStage(project, loaded.repository, {
    language,
    images: config.images,
    workdir: config.workdir,
    failOn: settings.failOn,
    tools: Object.fromEntries(SCAN_TOOLS.map((tool) => [tool, settings.tools[tool]])) as Record<(typeof SCAN_TOOLS)[number], boolean>,
    history: settings.history,
    govulncheckDb: settings.govulncheckDb,
    ignores: rules,
    ignoreProblems: problems,
    ignoreFile: fromRoot,
    toolchain,
  });
}
