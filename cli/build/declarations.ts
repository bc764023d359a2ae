import { builtinModules } from "node:module";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";

/**
 * Writes the type declarations of the public API (`entry`, relative to
 * `root`) into `outDir`: tsc emits every file's, and only those the entry
 * reaches are kept. They must not import any package but Node's: the package
 * ships no dependency whose types they could name.
 */
export function writeDeclarations(root: string, entry: string, outDir: string): string[] {
  const emitted = mkdtempSync(join(tmpdir(), "pipeline-declarations-"));
  try {
    const config = ts.getParsedCommandLineOfConfigFile(join(root, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n")); } });
    if (!config) throw new Error("tsconfig.json: unreadable");
    const program = ts.createProgram([join(root, entry)], {
      ...config.options,
      noEmit: false,
      declaration: true,
      emitDeclarationOnly: true,
      // The type-check is `npm run typecheck`'s job; this only writes declarations.
      noCheck: true,
      rootDir: root,
      outDir: emitted,
      rewriteRelativeImportExtensions: false,
    });
    // emitSkipped is no signal: it is set for the JSON files the program imports, which have no declarations to emit.
    const { diagnostics } = program.emit();
    if (diagnostics.length) throw new Error(`declarations: ${ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => "\n" })}`);
    const kept = reachable(emitted, entry.replace(/\.ts$/, ".d.ts"));
    for (const file of kept) {
      mkdirSync(dirname(join(outDir, file)), { recursive: true });
      copyFileSync(join(emitted, file), join(outDir, file));
    }
    return kept;
  } finally {
    rmSync(emitted, { recursive: true, force: true });
  }
}

const BUILTINS = new Set(builtinModules);

/** The declaration files `start` imports, transitively; a package import other than Node's is an error. */
function reachable(dir: string, start: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const { importedFiles } = ts.preProcessFile(readFileSync(join(dir, file), "utf8"), true, true);
    for (const { fileName: spec } of importedFiles) {
      if (!spec.startsWith(".")) {
        if (spec.startsWith("node:") || BUILTINS.has(spec)) continue;
        throw new Error(`${file} imports ${spec}: the public types may only use Node's (keep ${spec}'s types out of the API)`);
      }
      const target = relative(dir, resolve(dir, dirname(file), spec.replace(/\.js$/, ".d.ts")));
      if (!existsSync(join(dir, target))) throw new Error(`${file} imports ${spec}, which has no declaration`);
      visit(target);
    }
  };
  visit(start);
  return [...seen].sort();
}
