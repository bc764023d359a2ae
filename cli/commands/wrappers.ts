import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pinnedDaggerVersion } from "../dagger-version.js";
import { CliError } from "../errors.js";
import { daggerCallPrefix } from "../wrappers/call-prefix.js";
import { ciOptionsOf, ciValues } from "../wrappers/ci-options.js";
import { isUntouchedWrapper, normalizeNewlines, renderWrapper } from "../wrappers/render.js";
import { checkTargetPaths, checkWritable } from "../wrappers/targets.js";
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
  /** Hand-edited (no marker, or the file no longer matches its hash) and kept, because `force` was off. */
  skipped: string[];
}

/**
 * Writes the provider's CI wrappers from the templates in ci/, filling in the
 * pinned Dagger version, the `dagger ... call` prefix and what pipeline.yaml
 * asks for: its `ci` section (triggers, coverage upload, notification,
 * environment), its stages' secrets (`with-secret`) and its projects' reports. Idempotent; a
 * hand-edited file is never replaced without `force`: it is reported in
 * `skipped` (the CLI turns that into exit 1). Every target is checked before
 * the first write, so a path problem leaves no half-written set.
 */
export function writeWrappers(options: WrappersOptions): WrappersResult {
  const result: WrappersResult = { written: [], unchanged: [], skipped: [] };
  const files = WRAPPER_FILES[options.provider];
  checkTargetPaths(options.outDir, files.map((f) => f.target));
  const prefix = daggerCallPrefix(options.outDir, options.module);
  const values = {
    DAGGER_VERSION: options.daggerVersion ?? pinnedDaggerVersion(),
    DAGGER_CALL: prefix,
    ...ciValues(ciOptionsOf(options.outDir), prefix),
  };
  const writes: { file: string; wanted: string }[] = [];
  for (const { template, target } of files) {
    const text = readFileSync(new URL(template, TEMPLATES_DIR), "utf8");
    const wanted = renderWrapper({ provider: options.provider, template, text, values });
    const file = join(options.outDir, target);
    const current = existsSync(file) ? readFileSync(file, "utf8") : undefined;
    // A CRLF checkout of the generated file is the same file: left alone, not rewritten.
    if (current !== undefined && normalizeNewlines(current) === wanted) {
      result.unchanged.push(file);
    } else if (current !== undefined && !isUntouchedWrapper(current) && !options.force) {
      result.skipped.push(file);
    } else {
      writes.push({ file, wanted });
    }
  }
  checkWritable(writes.map((w) => w.file));
  for (const { file, wanted } of writes) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, wanted);
    result.written.push(file);
  }
  return result;
}

/**
 * The `pipeline wrappers` command: writes, prints one line per file, and fails
 * (exit 1) naming each hand-edited file that was kept.
 */
export function wrappers(options: WrappersOptions, out: (text: string) => void): WrappersResult {
  const result = writeWrappers(options);
  for (const file of result.written) out(`wrote ${file}\n`);
  for (const file of result.unchanged) out(`unchanged ${file}\n`);
  if (result.skipped.length > 0) {
    throw new CliError(
      "WRAPPERS_HAND_EDITED",
      result.skipped.map((file) => `${file} was written or edited by hand (it does not match its generated hash); kept it.`).join("\n") +
        "\n  Fix: pass --force to replace it with the generated version (your edits are lost), or keep it and stop regenerating it.",
    );
  }
  return result;
}
