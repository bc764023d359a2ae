import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pinnedDaggerVersion } from "../dagger-version.js";
import { daggerCallPrefix } from "../wrappers/call-prefix.js";
import { ciOptionsOf, ciValues } from "../wrappers/ci-options.js";
import { isUntouchedWrapper, normalizeNewlines, renderWrapper } from "../wrappers/render.js";
import { refuseUnlessClear, targetPathProblems, unwritableProblems, type TargetProblem } from "../wrappers/targets.js";
import { TEMPLATES_DIR, WRAPPER_FILES, type Provider } from "../wrappers/templates.js";

export { PROVIDERS, type Provider } from "../wrappers/templates.js";

export interface WrappersOptions {
  provider: Provider;
  /** The repository root to write into. */
  outDir: string;
  /** Replace hand-edited files too. */
  force?: boolean;
  /**
   * The published module the wrappers call, pinned (`github.com/acme/pipeline@v1.2.0`).
   * Required unless `outDir` is this module's own repository.
   */
  module?: string | undefined;
  /** Defaults to dagger.json's engineVersion. */
  daggerVersion?: string;
}

/** Paths of the files, as `outDir` joined with each target. */
export interface WrappersResult {
  written: string[];
  /** Already identical (a CRLF checkout of it too): not touched (mtime kept). */
  unchanged: string[];
}

/**
 * Writes the provider's CI wrappers from the templates in ci/, filling in the
 * pinned Dagger version, the `dagger ... call` prefix and what pipeline.yaml
 * asks for: its `ci` section (triggers, coverage upload, notification,
 * environment), its stages' secrets (`with-secret`) and its projects' reports.
 * Idempotent, and all or nothing: every target is checked before the first
 * write, and one that would be refused (hand-edited without `force`, a path
 * problem, no write access) stops the whole set, each named with its fix.
 */
export function writeWrappers(options: WrappersOptions): WrappersResult {
  const files = WRAPPER_FILES[options.provider].map((f) => ({ ...f, file: join(options.outDir, f.target) }));
  const pathProblems = targetPathProblems(options.outDir, files.map((f) => f.target));
  const prefix = daggerCallPrefix(options.outDir, options.module);
  const values = {
    DAGGER_VERSION: options.daggerVersion ?? pinnedDaggerVersion(),
    DAGGER_CALL: prefix,
    ...ciValues(ciOptionsOf(options.outDir), prefix),
  };
  const result: WrappersResult = { written: [], unchanged: [] };
  const writes: { file: string; wanted: string }[] = [];
  const handEdited: TargetProblem[] = [];
  for (const { template, file } of files) {
    if (pathProblems.some((p) => p.file === file)) continue;
    const text = readFileSync(new URL(template, TEMPLATES_DIR), "utf8");
    const wanted = renderWrapper({ provider: options.provider, template, text, values });
    const current = existsSync(file) ? readFileSync(file, "utf8") : undefined;
    // A CRLF checkout of the generated file is the same file: left alone, not rewritten.
    if (current !== undefined && normalizeNewlines(current) === wanted) result.unchanged.push(file);
    else if (current !== undefined && !isUntouchedWrapper(current) && !options.force) handEdited.push(handEditedProblem(file));
    else writes.push({ file, wanted });
  }
  refuseUnlessClear([...pathProblems, ...unwritableProblems(writes.map((w) => w.file))], handEdited);
  for (const { file, wanted } of writes) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, wanted);
    result.written.push(file);
  }
  return result;
}

const handEditedProblem = (file: string): TargetProblem => ({
  file,
  text: `${file} was written or edited by hand (it does not match its generated hash)`,
  fix: "pass --force to replace the hand-edited files with the generated versions (their edits are lost), or keep them and stop regenerating",
});

/** The `pipeline wrappers` command: writes, and prints one line per file. */
export function wrappers(options: WrappersOptions, out: (text: string) => void): WrappersResult {
  const result = writeWrappers(options);
  for (const file of result.written) out(`wrote ${file}\n`);
  for (const file of result.unchanged) out(`unchanged ${file}\n`);
  return result;
}
