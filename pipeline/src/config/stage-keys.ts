import { z } from "../../vendor/zod.js";
import { emptyIsAbsent, explained, pinnedImage, type RuleProblem } from "./rules.js";

/**
 * The keys every stage takes besides its own options: commands added around
 * the defaults (`before`, `after`), a `timeout`, and `secrets`; and the
 * schema of a stage of the user's own (`stages.<name>: { image, commands }`).
 */

export const argv = z
  .array(z.string().min(1))
  .min(1)
  .describe("A command as an argv array, e.g. [npm, run, lint]. It is never passed to a shell.");

const commandList = (what: string) => emptyIsAbsent(z.array(argv).optional()).describe(what);

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

function timeoutProblem(key: string, value: unknown): RuleProblem | undefined {
  const fix = `write ${key} as a number with a unit, e.g. 10m, 90s or 1h30m`;
  if (typeof value === "number") return { message: `expected a duration with a unit, got the number ${value}: seconds or minutes?`, fix };
  if (typeof value !== "string") return { message: `expected a duration like 10m, got ${value === null ? "null" : Array.isArray(value) ? "array" : typeof value}`, fix };
  const seconds = durationSeconds(value);
  if (seconds === undefined) return { message: `expected a duration like 10m, 90s or 1h30m, got ${JSON.stringify(value)}`, fix };
  if (seconds < 1) return { message: `a timeout of ${value} ends every command before it starts`, fix: "give the stage at least 1s, e.g. 10m" };
  if (seconds > MAX_TIMEOUT_SECONDS) return { message: `a timeout of ${value} is longer than 24h`, fix: "give it at most 24h (CI jobs end sooner anyway)" };
  return undefined;
}

/** `timeout`: a string in the JSON Schema, checked here so a number or a word gets its own message. */
const timeout = (key: string) =>
  (explained(z.unknown(), (value) => timeoutProblem(key, value)).optional() as unknown as z.ZodOptional<z.ZodString>)
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

function referenceProblem(key: string, value: unknown): RuleProblem | undefined {
  if (typeof value === "string" && SECRET_REFERENCE.test(value)) return undefined;
  const fix =
    `write where the call takes it from, env://NAME, file://path or cmd://command, and give it to the call: ` +
    `dagger call with-secret --name ${key.split(".").pop()} --value env://NAME <function>`;
  if (typeof value === "string") {
    return { message: "a secret given as a literal value (or an unknown scheme): pipeline.yaml is committed, so its value would be public", fix };
  }
  return { message: `expected a secret reference like env://NAME, got ${value === null ? "null" : typeof value}`, fix };
}

function secretProblem(key: string, value: unknown): RuleProblem | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return referenceProblem(key, value);
  const { from, mount, ...rest } = value as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) return { message: `unknown key "${unknown[0]}" in a secret`, fix: "a secret is a reference (env://NAME) or { from: env://NAME, mount: /run/secrets/name }" };
  const problem = referenceProblem(key, from);
  if (problem) return { ...problem, message: `from: ${problem.message}` };
  if (mount !== undefined && (typeof mount !== "string" || !ABSOLUTE_PATH.test(mount))) {
    return { message: `mount: expected an absolute file path, got ${JSON.stringify(mount)}`, fix: "mount it at an absolute path, e.g. /run/secrets/license" };
  }
  return undefined;
}

const secretValue = (key: string) =>
  (explained(z.unknown(), (value) => secretProblem(key, value)) as unknown as z.ZodType<string | SecretMount>).meta({
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

const secrets = (key: string) =>
  emptyIsAbsent(
    z
      .record(
        z.string().regex(SECRET_NAME, { error: "a secret's name is an env variable's: letters, digits and _, not starting with a digit" }),
        secretValue(key),
      )
      .optional(),
  ).describe(
    "Secrets this stage's commands and tools get, by name: NAME: env://NAME sets $NAME; NAME: { from: file://key.pem, mount: /run/secrets/key.pem } mounts a file. " +
      "The value says where the call takes it from; the call gives it with `with-secret --name NAME --value env://NAME`. No other stage, and no install step, gets it.",
  );

/** before/after/timeout/secrets, for a built-in stage at `stages.<stage>`. */
export function stageExtras(stage: string) {
  return {
    before: commandList(
      "Commands run before the stage's own tools, in the same container (dependencies installed, the project at /src): what they write, the tools see. The first to fail fails the stage.",
    ),
    after: commandList("Commands run after the stage's own tools passed (e.g. [make, test-synctest]), in the same container as before; the first to fail fails the stage."),
    timeout: timeout(`stages.${stage}.timeout`),
    secrets: secrets(`stages.${stage}.secrets`),
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
    commands: z.array(argv).min(1).describe("The stage: argv arrays run in order, each in the container the previous left; the first to fail fails the stage."),
    reports: emptyIsAbsent(
      z
        .array(z.string().min(1).regex(/^(?![/\\])(?!([\s\S]*\/)?\.\.(\/|$))/, { error: "expected a path inside the project, without a leading / or .." }))
        .optional(),
    ).describe("Files the commands write, relative to the project (e.g. gosec.sarif, junit.xml), kept under reports/<stage>/ (a .sarif reaches code scanning)."),
    timeout: timeout("stages.<name>.timeout"),
    secrets: secrets("stages.<name>.secrets"),
  })
  .describe("A stage of your own: its commands run like a built-in stage's, concurrently with lint, test and property tests, with their own report and exit code.");

export type CustomStageConfig = z.output<typeof customStage>;

/** What a stage of either kind may carry of the keys above, as the stage runner reads them. */
export interface StageExtras {
  before?: string[][] | undefined;
  after?: string[][] | undefined;
  commands?: string[][] | undefined;
  timeout?: string | undefined;
  secrets?: Record<string, string | SecretMount> | undefined;
}

/** A secret entry, read: where the call takes it from, and where the stage gets it. */
export function secretMount(value: string | SecretMount): SecretMount {
  return typeof value === "string" ? { from: value } : value;
}
