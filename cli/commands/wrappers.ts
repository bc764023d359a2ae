import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pinnedDaggerVersion } from "../dagger-version.js";
import { daggerCallPrefix } from "../wrappers/call-prefix.js";
import { ciOptionsOf, ciValues } from "../wrappers/ci-options.js";
import { isUntouchedWrapper, normalizeNewlines, renderWrapper } from "../wrappers/render.js";
import { pathKind } from "../path-kind.js";
import { refuseUnlessClear, targetPathProblems, unremovableProblems, unwritableProblems, type TargetProblem } from "../wrappers/targets.js";
import { TEMPLATES_DIR, wrapperFiles, type Provider, type WrapperFile } from "../wrappers/templates.js";

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
  /** Generated earlier, untouched, and for a part pipeline.yaml now leaves out (no image, no release): deleted. */
  removed: string[];
  /** For a part left out, but edited by hand: left as they are. */
  kept: string[];
  /** One line per part left out, saying why and how to get it. */
  notes: string[];
}

const NO_RELEASE: Record<Provider, string> = {
  github: "no release workflow: pipeline.yaml has no image to publish; add `image: { name: ghcr.io/<owner>/<name> }` to get one",
  gitlab: "no release job: pipeline.yaml has no image to publish; add `image: { name: ghcr.io/<owner>/<name> }` to get one",
};

/**
 * Writes the provider's CI wrappers from the templates in ci/, filling in the
 * pinned Dagger version, the `dagger ... call` prefix and what pipeline.yaml
 * asks for: its `ci` section (triggers, coverage upload, notification,
 * environment), its stages' secrets (`with-secret`), its projects' reports,
 * and a release only when there is an image to publish. Idempotent, and all
 * or nothing: every target is checked before the first write, and one that
 * would be refused (hand-edited without `force`, a path problem, no write
 * access) stops the whole set, each named with its fix. A file of a part no
 * longer wanted is deleted when untouched, kept when edited by hand.
 */
export function writeWrappers(options: WrappersOptions): WrappersResult {
  const inputs = ciOptionsOf(options.outDir);
  const prefix = daggerCallPrefix(options.outDir, options.module);
  const values = {
    DAGGER_VERSION: options.daggerVersion ?? pinnedDaggerVersion(),
    DAGGER_CALL: prefix,
    ...ciValues(inputs, prefix),
  };
  const at = (files: WrapperFile[]) => files.map((f) => ({ ...f, file: join(options.outDir, f.target) }));
  const { wanted, left } = wrapperFiles(options.provider, inputs.parts);
  const pathProblems = targetPathProblems(options.outDir, wanted.map((f) => f.target));
  const result: WrappersResult = { written: [], unchanged: [], removed: [], kept: [], notes: [] };
  const writes: { file: string; text: string }[] = [];
  const handEdited: TargetProblem[] = [];
  for (const { template, file } of at(wanted)) {
    if (pathProblems.some((p) => p.file === file)) continue;
    const text = renderWrapper({ provider: options.provider, template, text: readFileSync(new URL(template, TEMPLATES_DIR), "utf8"), values });
    const current = existsSync(file) ? readFileSync(file, "utf8") : undefined;
    // A CRLF checkout of the generated file is the same file: left alone, not rewritten.
    if (current !== undefined && normalizeNewlines(current) === text) result.unchanged.push(file);
    else if (current !== undefined && !isUntouchedWrapper(current) && !options.force) handEdited.push(handEditedProblem(file));
    else writes.push({ file, text });
  }
  const removals: string[] = [];
  for (const { file } of at(left)) {
    if (pathKind(file) !== "file") continue;
    if (isUntouchedWrapper(readIfReadable(file))) removals.push(file);
    else result.kept.push(file);
  }
  refuseUnlessClear([...pathProblems, ...unwritableProblems(writes.map((w) => w.file)), ...unremovableProblems(removals)], handEdited);
  for (const { file, text } of writes) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    result.written.push(file);
  }
  for (const file of removals) {
    rmSync(file);
    result.removed.push(file);
  }
  if (!inputs.parts.has("release")) result.notes.push(NO_RELEASE[options.provider]);
  return result;
}

/** An unreadable file counts as one edited by hand: never deleted. */
function readIfReadable(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

const handEditedProblem = (file: string): TargetProblem => ({
  file,
  text: `${file} was written or edited by hand (it does not match its generated hash)`,
  fix: "pass --force to replace the hand-edited files with the generated versions (their edits are lost), or keep them and stop regenerating",
});

/** The `pipeline wrappers` command: writes, and prints one line per file and per part left out. */
export function wrappers(options: WrappersOptions, out: (text: string) => void): WrappersResult {
  const result = writeWrappers(options);
  for (const file of result.written) out(`wrote ${file}\n`);
  for (const file of result.unchanged) out(`unchanged ${file}\n`);
  for (const file of result.removed) out(`removed ${file}: generated earlier and untouched, and no longer needed\n`);
  for (const file of result.kept) out(`kept ${file}: no longer generated, but edited by hand, so not removed (delete it if it has no use)\n`);
  for (const note of result.notes) out(`${note}\n`);
  return result;
}
