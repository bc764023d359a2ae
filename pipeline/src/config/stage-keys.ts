import { z } from "../../vendor/zod.js";
import { SERVICE_NAME } from "../../modules/services/spec.js";
import { emptyIsAbsent, explained, insidePath, pinnedImage, type RuleProblem } from "./rules.js";

/**
 * The keys every stage takes besides its own options: commands added around
 * the defaults (`before`, `after`), a `timeout`, and `secrets`; and the
 * schema of a stage of the user's own (`stages.<name>: { image, commands }`).
 */

/** One command's JSON Schema: an argv array. */
const ARGV_JSON = {
  type: "array",
  items: { type: "string", minLength: 1 },
  minItems: 1,
  description: "A command as an argv array, e.g. [npm, run, lint]. It is never passed to a shell.",
};

/** "npm run lint" as the argv array it was meant to be, for a fix: [npm, run, lint]. */
const asArgv = (line: string) => `[${line.trim().split(/\s+/).join(", ")}]`;

/** What is wrong with one command, at its path in the list; nothing when it is an argv array of non-empty strings. */
function argvProblems(value: unknown, path: (string | number)[]): (RuleProblem & { path: (string | number)[] })[] {
  if (typeof value === "string") {
    return [{ path, message: `expected a command as an argv array, got the shell line ${JSON.stringify(value)}: commands never run in a shell`, fix: `write it as ${asArgv(value)}, each argument its own item (for a shell's features, [sh, -c, "..."])` }];
  }
  if (!Array.isArray(value)) return [{ path, message: `expected a command as an argv array like [npm, run, lint], got ${value === null ? "null" : typeof value}`, fix: "write the command as a list of its arguments, e.g. [npm, run, lint]" }];
  if (value.length === 0) return [{ path, message: "an empty command: nothing to run", fix: "write the command's arguments, e.g. [npm, run, lint], or remove it" }];
  return value.flatMap((arg, i) => {
    if (typeof arg === "string" && arg !== "") return [];
    const got = arg === null ? "null" : typeof arg === "string" ? "an empty string" : typeof arg === "number" || typeof arg === "boolean" ? `the ${typeof arg} ${String(arg)}` : typeof arg;
    return [{ path: [...path, i], message: `expected every argument to be a non-empty string, got ${got}`, fix: typeof arg === "number" || typeof arg === "boolean" ? `quote it: "${String(arg)}"` : "write the argument as a string, or remove it" }];
  });
}

/**
 * A list of commands, each an argv array: checked here so a shell line or an
 * unquoted number gets its own message and fix; an argv array in the JSON Schema.
 */
const argvList = (options: { min: number }) =>
  z
    .unknown()
    .superRefine((value, ctx) => {
      const problems: (RuleProblem & { path: (string | number)[] })[] =
        typeof value === "string"
          ? [{ path: [], message: `expected a list of commands, each an argv array, got the shell line ${JSON.stringify(value)}: commands never run in a shell`, fix: `write it as [${asArgv(value)}]` }]
          : !Array.isArray(value)
            ? [{ path: [], message: `expected a list of commands, each an argv array, got ${value === null ? "null" : typeof value}`, fix: "write a list of argv arrays, e.g. [[npm, run, lint]]" }]
            : value.length < options.min
              ? [{ path: [], message: "expected at least one command, got an empty list", fix: "write the stage's commands, e.g. [[make, check]]" }]
              : value.flatMap((command, i) => argvProblems(command, [i]));
      for (const { path, message, fix } of problems) ctx.addIssue({ code: "custom", path, message, params: { fix }, input: value });
    })
    .meta({ type: "array", items: ARGV_JSON, ...(options.min > 0 ? { minItems: options.min } : {}) }) as unknown as z.ZodType<string[][]>;

const commandList = (what: string) => emptyIsAbsent(argvList({ min: 0 }).optional()).describe(what);

/** One command as an argv array (e.g. a service's readiness check), checked like a list's commands. */
export const argvCommand = () =>
  z
    .unknown()
    .superRefine((value, ctx) => {
      for (const { path, message, fix } of argvProblems(value, [])) ctx.addIssue({ code: "custom", path, message, params: { fix }, input: value });
    })
    .meta(ARGV_JSON) as unknown as z.ZodType<string[]>;

/** `services`: the names of pipeline.yaml's services a stage gets (checked against them by the whole file's rules). */
const stageServices = (defaults: string) =>
  emptyIsAbsent(
    z.array(z.string().regex(SERVICE_NAME, { error: "a service's name is a hostname: a lower-case letter, then lower-case letters, digits or -" })).optional(),
  ).describe(
    `Services (keys of pipeline.yaml's services) this stage's commands and tools get, each a fresh instance for this stage alone, reachable by its name, with its clientEnv set; ${defaults}.`,
  );

/** A duration as Go and kubectl write it: 90s, 10m, 1h30m (units ms, s, m, h). */
export const DURATION = /^(\d+(\.\d+)?(ms|s|m|h))+$/;

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/** Seconds in a duration DURATION accepts; undefined for anything else. */
export function durationSeconds(text: string): number | undefined {
  if (!DURATION.test(text)) return undefined;
  let total = 0;
  for (const [, amount, , unit] of text.matchAll(/(\d+(\.\d+)?)(ms|s|m|h)/g)) total += Number(amount) * UNIT_SECONDS[unit!]!;
  return total;
}

const MAX_TIMEOUT_SECONDS = 24 * 3600;

function timeoutProblem(value: unknown): RuleProblem | undefined {
  const fix = "write the timeout as a number with a unit, e.g. 10m, 90s or 1h30m";
  if (typeof value === "number") return { message: `expected a duration with a unit, got the number ${value}: seconds or minutes?`, fix };
  if (typeof value !== "string") return { message: `expected a duration like 10m, got ${value === null ? "null" : Array.isArray(value) ? "array" : typeof value}`, fix };
  const seconds = durationSeconds(value);
  if (seconds === undefined) return { message: `expected a duration like 10m, 90s or 1h30m, got ${JSON.stringify(value)}`, fix };
  if (seconds < 1) return { message: `a timeout of ${value} ends every command before it starts`, fix: "give the stage at least 1s, e.g. 10m" };
  if (seconds > MAX_TIMEOUT_SECONDS) return { message: `a timeout of ${value} is longer than 24h`, fix: "give it at most 24h (CI jobs end sooner anyway)" };
  return undefined;
}

/** `timeout`: a string in the JSON Schema, checked here so a number or a word gets its own message. */
const timeout = () =>
  (explained(z.unknown(), (value) => timeoutProblem(value)).optional() as unknown as z.ZodOptional<z.ZodString>)
    .meta({ type: "string", pattern: DURATION.source })
    .describe(
      "How long each command of the stage (a tool, a before/after command) may run, like 10m or 1h30m: at the limit it is stopped " +
        "(SIGTERM, then SIGKILL 10s later) and the stage fails with 'timed out after 10m' and the reports written so far. Needs a timeout command in the image (coreutils or busybox).",
    );

/** A secret's reference, as the call passes it to with-secret: env://NAME, file://path, cmd://command. */
export const SECRET_REFERENCE = /^(env|file|cmd):\/\/\S.*$/;
const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ABSOLUTE_PATH = /^\/[^\0]*[^/]$/;

export interface SecretMount {
  /** The reference the call passes it as. */
  from: string;
  /** Mounted as a file here (readable by the stage's user alone), instead of an env variable. */
  mount?: string;
}

function referenceProblem(name: string, value: unknown): RuleProblem | undefined {
  if (typeof value === "string" && SECRET_REFERENCE.test(value)) return undefined;
  const fix =
    `store the value outside the repository (a CI secret, a file), write where the call takes it from, e.g. env://${name}, ` +
    `and give it to the call: dagger call with-secret --name ${name} --value env://${name} <function>`;
  if (typeof value === "string") {
    return { message: "a secret given as a literal value (or an unknown scheme): pipeline.yaml is committed, so its value would be public", fix };
  }
  return { message: `expected a secret reference like env://NAME, got ${value === null ? "null" : typeof value}`, fix };
}

function secretProblem(name: string, value: unknown): RuleProblem | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return referenceProblem(name, value);
  const { from, mount, ...rest } = value as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) return { message: `unknown key "${unknown[0]}" in a secret`, fix: "a secret is a reference (env://NAME) or { from: env://NAME, mount: /run/secrets/name }" };
  const problem = referenceProblem(name, from);
  if (problem) return { ...problem, message: `from: ${problem.message}` };
  if (mount !== undefined && (typeof mount !== "string" || !ABSOLUTE_PATH.test(mount))) {
    return { message: `mount: expected an absolute file path, got ${JSON.stringify(mount)}`, fix: "mount it at an absolute path, e.g. /run/secrets/license" };
  }
  return undefined;
}

/** A secret's value: checked with its name by `secrets` (the fix names it), a reference or { from, mount } in the JSON Schema. */
const secretValue = () =>
  (z.unknown() as unknown as z.ZodType<string | SecretMount>).meta({
    anyOf: [
      { type: "string", pattern: SECRET_REFERENCE.source },
      {
        type: "object",
        properties: {
          from: { type: "string", pattern: SECRET_REFERENCE.source, description: "Where the call takes the secret from: env://NAME, file://path or cmd://command." },
          mount: { type: "string", pattern: ABSOLUTE_PATH.source, description: "Mount it as a file at this absolute path (readable by the stage's user alone) instead of setting $NAME." },
        },
        required: ["from"],
        additionalProperties: false,
      },
    ],
  });

const secrets = (whose: string) =>
  emptyIsAbsent(
    z
      .record(
        z.string().regex(SECRET_NAME, { error: "a secret's name is an env variable's: letters, digits and _, not starting with a digit" }),
        secretValue(),
      )
      .superRefine((record, ctx) => {
        for (const [name, value] of Object.entries(record)) {
          const problem = secretProblem(name, value);
          if (problem) ctx.addIssue({ code: "custom", path: [name], message: problem.message, params: { fix: problem.fix }, input: value });
        }
      })
      .optional(),
  ).describe(
    `Secrets ${whose} commands and tools get, by name: NAME: env://NAME sets $NAME; NAME: { from: file://key.pem, mount: /run/secrets/key.pem } mounts a file. ` +
      "The value says where the call takes it from; the call gives it with `with-secret --name NAME --value env://NAME`. No other stage, and no install step, gets it.",
  );

export const IF_NOTHING_RUNS = ["fail", "skip"] as const;
export type IfNothingRuns = (typeof IF_NOTHING_RUNS)[number];

/**
 * Whether a stage that finds nothing to run fails ci by default: lint and the unit tests, which every
 * project has, do (a green run must have run them); the kinds of tests a project may not have do not.
 */
const NOTHING_RUNS_DEFAULT: Record<string, IfNothingRuns> = { lint: "fail", test: "fail" };

/** `ifNothingRuns`: what a stage that finds nothing to run does to ci. */
const ifNothingRuns = (stage: string) => {
  const fallback = NOTHING_RUNS_DEFAULT[stage] ?? "skip";
  return z
    .enum(IF_NOTHING_RUNS)
    .default(fallback)
    .describe(
      `When the stage finds nothing to run (no test found, no linter, nothing planned): fail fails ci and names why; skip reports the stage skipped with the reason, and ci goes on. Default here: ${fallback}.`,
    );
};

/** before/after/timeout/secrets/ifNothingRuns, for a built-in stage at `stages.<stage>`. */
export function stageExtras(stage: string) {
  return {
    ifNothingRuns: ifNothingRuns(stage),
    before: commandList(
      "Commands run before the stage's own tools, in the same container (dependencies installed, the project at /src): what they write, the tools see. The first to fail fails the stage.",
    ),
    after: commandList("Commands run after the stage's own tools passed (e.g. [make, test-synctest]), in the same container as before; the first to fail fails the stage."),
    timeout: timeout(),
    secrets: secrets(`the ${stage} stage's`),
    services: stageServices(stage === "integration" ? "default: every one" : "default: none"),
  };
}

/** `commands` of a built-in stage: the defaults replaced, before and after still around them. */
export const replacingCommands = commandList(
  "Commands to run instead of the toolchain's defaults, each an argv array (exit code only: no report parsing or gate). before and after still run around them.",
);

/** Names of stages of the user's own: a folder under reports/, and a key a CLI can type. */
export const CUSTOM_STAGE_NAME = /^[a-z][A-Za-z0-9_-]*$/;

/** `stages.<name>` for a name that is no built-in stage. */
export const customStage = z
  .strictObject({
    enabled: z.boolean().default(true).describe("Run this stage."),
    image: pinnedImage("stages.<name>.image", "returntocorp/semgrep:1.100.0")
      .optional()
      .describe("Image to run the commands in, with the project at /src as the workdir; default: the project's toolchain container, dependencies installed."),
    commands: argvList({ min: 1 }).describe("The stage: argv arrays run in order, each in the container the previous left; the first to fail fails the stage."),
    reports: emptyIsAbsent(z.array(insidePath("stages.<name>.reports", "project", "reports/gosec.sarif")).optional()).describe("Files the commands write, relative to the project (e.g. gosec.sarif, junit.xml), kept under reports/<stage>/ (a .sarif reaches code scanning)."),
    timeout: timeout(),
    secrets: secrets("this stage's"),
    services: stageServices("default: none"),
  })
  .describe("A stage of your own: its commands run like a built-in stage's, concurrently with lint, test and property tests, with their own report and exit code.");

export type CustomStageConfig = z.output<typeof customStage>;

/** What a stage of either kind may carry of the keys above, as the stage runner reads them. */
export interface StageExtras {
  ifNothingRuns?: IfNothingRuns | undefined;
  before?: string[][] | undefined;
  after?: string[][] | undefined;
  commands?: string[][] | undefined;
  timeout?: string | undefined;
  secrets?: Record<string, string | SecretMount> | undefined;
  services?: string[] | undefined;
}

/** A secret entry, read: where the call takes it from, and where the stage gets it. */
export function secretMount(value: string | SecretMount): SecretMount {
  return typeof value === "string" ? { from: value } : value;
}
