/**
 * The project's own package.json scripts, which come before anything the
 * pipeline would pick itself: which ones the lint and test stages run, and
 * what runner a script is (to add report flags only where they are known to
 * add and never to replace the project's own configuration). No Dagger import.
 */
import type { PackageJson, PackageManager } from "./args.js";

/** The runners whose report flags the pipeline knows how to add to a script. */
export type ScriptRunner = "vitest" | "jest" | "mocha" | "node";

/** `npm init`'s placeholder test script: a project without tests, not a failing one. */
const NPM_INIT_TEST = /^echo "Error: no test specified" && exit 1$/;

/** The `test` script, unless it is npm init's placeholder. */
export function testScript(pkg: PackageJson): string | undefined {
  const script = pkg.scripts?.["test"];
  return typeof script === "string" && !NPM_INIT_TEST.test(script.trim()) ? script : undefined;
}

/** Scripts the lint stage runs: these two by name, then every `check:*` (check:lint, check:types, check:format). */
export const LINT_SCRIPTS = ["lint", "typecheck"] as const;
export const CHECK_PREFIX = "check:";
/** check:* scripts that test or measure rather than check the source belong to other stages. */
const NOT_LINT = /test|spec|e2e|bench|coverage/;

/**
 * The lint stage's scripts, in a stable order. A script another selected
 * script already runs (`"lint": "npm run check:lint"`, `run-s "check:*"`) is
 * left out, so nothing runs twice.
 */
export function lintScripts(pkg: PackageJson): string[] {
  const scripts = pkg.scripts ?? {};
  const named = LINT_SCRIPTS.filter((name) => typeof scripts[name] === "string");
  const checks = Object.keys(scripts)
    .filter((name) => name.startsWith(CHECK_PREFIX) && typeof scripts[name] === "string" && !NOT_LINT.test(name.slice(CHECK_PREFIX.length)))
    .sort();
  const selected: string[] = [...named, ...checks];
  return selected.filter((name) => !selected.some((other) => other !== name && runsScript(scripts[other]!, name)));
}

/** Whether a script's command line runs another script by name, or by a `check:*` wildcard of npm-run-all. */
function runsScript(command: string, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  if (new RegExp(`(^|[\\s"'])${escaped}($|[\\s"'])`).test(command)) return true;
  return name.startsWith(CHECK_PREFIX) && /(^|[\s"'])check:\*/.test(command);
}

/** Shell syntax after which appended arguments would not reach the runner: pipes, redirections, substitutions. */
const NOT_APPENDABLE = /(^|[^|])\|([^|]|$)|[<>`]|\$\(/;

/**
 * The runner a script is, `undefined` when the pipeline does not know it.
 * vitest, jest and mocha: the script's last command (`npm run build && vitest
 * run`; leading `NAME=value` settings allowed), since the package manager
 * appends arguments to the script's end, which is that command's; vitest and
 * jest only when they pick no reporter of their own. `node --test` anywhere in it: its
 * reporters come through NODE_OPTIONS, which reach every node process of the
 * script and add to the reporters its command line sets.
 */
export function scriptRunner(script: string): ScriptRunner | undefined {
  if (/`|\$\(/.test(script)) return undefined;
  const commands = script.split(/&&|\|\||[;|]/).map(commandWords);
  if (commands.some(([tool, ...rest]) => tool === "node" && rest.includes("--test"))) return "node";
  if (NOT_APPENDABLE.test(script) || /\|\|\s*[^|]*$/.test(script)) return undefined;
  const [tool, ...rest] = commands.at(-1)!;
  // Mocha gets no flag, so its own reporter choice does not matter; vitest's and jest's would fight the added ones.
  const ownReporter = rest.some((word) => /^--?(reporters?|json|outputFile)\b/.test(word));
  switch (tool) {
    case "vitest":
      return !ownReporter && (rest.length === 0 || rest[0] === "run" || rest[0]!.startsWith("-")) ? "vitest" : undefined;
    case "jest":
      return ownReporter ? undefined : "jest";
    case "mocha":
      return "mocha";
    default:
      return undefined;
  }
}

/** A command's words without its leading `NAME=value` settings. */
function commandWords(command: string): string[] {
  const words = command.trim().split(/\s+/);
  while (words.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]!)) words.shift();
  return words;
}

/** Whether a script's `node` sets test reporters or coverage itself. */
export function nodeTestFlags(script: string): { reporters: boolean; coverage: boolean } {
  return { reporters: /(^|\s)--test-reporter\b/.test(script), coverage: /(^|\s)--(experimental-)?test-coverage\b/.test(script) };
}

/**
 * `<manager> run <script>` with arguments for the script itself: npm needs
 * `--` before them, pnpm and yarn pass everything after the script's name.
 */
export function runScriptWith(manager: PackageManager, script: string, extra: readonly string[]): string[] {
  if (extra.length === 0) return runScriptArgs(manager, script);
  return [...runScriptArgs(manager, script), ...(manager === "npm" ? ["--"] : []), ...extra];
}

/** `npm run <script>` and its pnpm/yarn equivalents. */
export function runScriptArgs(manager: PackageManager, script: string): string[] {
  switch (manager) {
    case "pnpm":
      return ["corepack", "pnpm", "run", script];
    case "yarn":
      return ["corepack", "yarn", "run", script];
    case "npm":
      return ["npm", "run", script];
  }
}
