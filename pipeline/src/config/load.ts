import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from "../../vendor/yaml.js";
import type { z } from "../../vendor/zod.js";
import { resolveProjects, toPipelineConfig, unknownStageProblem, type ResolvedProject } from "./projects.js";
import { pipelineConfigSchema, type PipelineConfig } from "./schema.js";
import { closestKey, keysAt } from "./suggest.js";

/** One problem in pipeline.yaml, located so an editor can jump to it. */
export interface ConfigProblem {
  code: "CONFIG_SYNTAX" | "CONFIG_UNKNOWN_KEY" | "CONFIG_INVALID_VALUE";
  file: string;
  line: number;
  column: number;
  /** Dotted key path, e.g. `stages.test.coverageThreshold`; empty for the whole file. */
  path: string;
  message: string;
  fix: string;
}

export type ConfigResult =
  | {
      ok: true;
      /** The whole file's config; with `projects`, the defaults every project starts from. */
      config: PipelineConfig;
      /** With `projects`: each project's own config, top-level defaults applied; empty without. */
      projects: ResolvedProject[];
      problems: [];
    }
  | { ok: false; problems: ConfigProblem[] };

export type { ResolvedProject };

/** Formats a problem as `file:line:column path: message. Fix: ...`. */
export function formatProblem(p: ConfigProblem): string {
  const where = `${p.file}:${p.line}:${p.column}`;
  return `${where} ${p.path || "(root)"}: ${p.message}\n  Fix: ${p.fix}`;
}

/**
 * Parses and validates pipeline.yaml text. A missing file is passed as
 * `undefined` and, like an empty one, yields the all-defaults config.
 */
export function loadConfig(text: string | undefined, file = "pipeline.yaml"): ConfigResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text ?? "", { lineCounter, prettyErrors: false });
  const at = (offset: number) => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => ({
        code: "CONFIG_SYNTAX" as const,
        file,
        ...at(e.pos[0]),
        path: "",
        ...(e.code === "MULTIPLE_DOCS"
          ? { message: "a second YAML document starts here (---)", fix: "keep one document: merge its keys into the first and remove the ---" }
          : { message: `invalid YAML: ${e.message.split("\n")[0]}`, fix: "correct the YAML syntax at this position (indentation, quotes, a missing ':')" }),
      })),
    };
  }
  let raw: unknown;
  try {
    raw = doc.toJS() ?? {};
  } catch (error) {
    // Valid syntax that still cannot become data, like an alias to an anchor never set.
    return {
      ok: false,
      problems: [
        {
          code: "CONFIG_SYNTAX",
          file,
          line: 1,
          column: 1,
          path: "",
          message: `invalid YAML: ${(error as Error).message}`,
          fix: "define every anchor (&name) before its alias (*name), or quote the value",
        },
      ],
    };
  }
  // `error` words zod's own issues; a message the schema sets itself (rules.ts) takes precedence.
  const validate = (data: unknown) => {
    const result = pipelineConfigSchema.safeParse(data, { reportInput: true, error: describeIssue });
    return result.success ? ({ ok: true, data: result.data } as const) : ({ ok: false, issues: result.error.issues } as const);
  };
  const located = (issues: readonly Issue[], prefix: readonly (string | number)[] = []) =>
    collapseUnknownStages(issues.map((issue) => ({ ...issue, path: [...prefix, ...issue.path] })), raw).flatMap((issue) =>
      "problem" in issue ? [locatedProblem(issue.problem, issue.path, doc.contents, file, at)] : toProblems(issue, doc.contents, file, at),
    );
  const parsed = validate(raw);
  const problems = parsed.ok ? [] : located(parsed.issues);
  if (parsed.ok) {
    const resolved = resolveProjects(raw as Record<string, unknown>, parsed.data, validate);
    for (const { path, issues, problem } of resolved.problems) {
      problems.push(...(problem ? [locatedProblem(problem, path, doc.contents, file, at)] : located(issues ?? [], path)));
    }
    if (problems.length === 0) return { ok: true, config: toPipelineConfig(parsed.data), projects: resolved.projects, problems: [] };
  }
  // In file order, as an editor lists them; zod reports in schema order.
  return { ok: false, problems: dedupe(problems).sort((a, b) => a.line - b.line || a.column - b.column) };
}

/** A problem a rule found, at a key path (the key itself is located). */
function locatedProblem(
  problem: { message: string; fix: string },
  path: readonly (string | number)[],
  root: unknown,
  file: string,
  at: (offset: number) => { line: number; column: number },
): ConfigProblem {
  const node = locate(root, path.map(String), true);
  return { code: "CONFIG_INVALID_VALUE", file, ...at(node?.range?.[0] ?? 0), path: path.join("."), ...problem };
}

type PathedIssue = Issue | { path: (string | number)[]; problem: { message: string; fix: string } };

/**
 * A key under `stages` that is no built-in stage and has no `commands` is a
 * typo or a misplaced option, not a stage of the user's own: one problem
 * naming it (and the stage it likely meant) instead of the custom-stage
 * schema's complaints about its keys.
 */
function collapseUnknownStages(issues: readonly Issue[], raw: unknown): PathedIssue[] {
  const out: PathedIssue[] = [];
  const seen = new Set<string>();
  for (const issue of issues) {
    const at = issue.path.findIndex((segment, i) => segment === "stages" && i + 1 < issue.path.length && isStagesPath(issue.path.slice(0, i)));
    const stagePath = at >= 0 ? issue.path.slice(0, at + 2) : undefined;
    const problem = stagePath ? unknownStageProblem(String(stagePath[stagePath.length - 1]), valueAt(raw, stagePath)) : undefined;
    if (!stagePath || !problem) {
      out.push(issue);
      continue;
    }
    const key = JSON.stringify(stagePath);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path: stagePath.map((p) => (typeof p === "symbol" ? String(p) : p)), problem });
  }
  return out;
}

/** `stages` at the root or in a project: `[]` or `["projects", name]`. */
function isStagesPath(prefix: readonly PropertyKey[]): boolean {
  return prefix.length === 0 || (prefix.length === 2 && prefix[0] === "projects");
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let current = raw;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

function dedupe(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.line}:${p.column}:${p.path}:${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

type Issue = z.core.$ZodIssue;

function toProblems(
  issue: Issue,
  root: unknown,
  file: string,
  at: (offset: number) => { line: number; column: number },
): ConfigProblem[] {
  const path = issue.path.map(String);
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => {
      const known = keysAt(path);
      const guess = closestKey(key, known);
      const node = locate(root, [...path, key], true);
      return {
        code: "CONFIG_UNKNOWN_KEY" as const,
        file,
        ...at(node?.range?.[0] ?? 0),
        path: [...path, key].join("."),
        message: `unknown key "${key}"${guess ? ` (did you mean "${guess}"?)` : ""}`,
        fix: guess
          ? `rename it to "${guess}"`
          : `remove it; the keys allowed here are: ${known.join(", ") || "none"}`,
      };
    });
  }
  if (issue.code === "invalid_key") {
    const node = locate(root, path, true);
    return [
      {
        code: "CONFIG_INVALID_VALUE" as const,
        file,
        ...at(node?.range?.[0] ?? 0),
        path: path.join("."),
        message: `${issue.issues[0]?.message ?? "invalid name"}, got ${JSON.stringify(path[path.length - 1] ?? "")}`,
        fix: "rename this key",
      },
    ];
  }
  const node = locate(root, path, false);
  return [
    {
      code: "CONFIG_INVALID_VALUE" as const,
      file,
      ...at(node?.range?.[0] ?? 0),
      path: path.join("."),
      message: issue.message,
      fix: fixFor(issue),
    },
  ];
}

/** The message for an issue zod raises itself; undefined keeps zod's wording. */
function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  const input = issue.input;
  switch (issue.code) {
    case "invalid_type":
      // zod reports a required key that is absent as a value of the wrong type, undefined.
      if (input === undefined && issue.path?.length) return `missing key "${String(issue.path.at(-1))}", which takes ${withArticle(typeName(issue.expected))}`;
      if (typeof input === "number" && !Number.isFinite(input)) {
        return `expected ${typeName(issue.expected)}, got ${received(input)}, which is not a finite number`;
      }
      return `expected ${typeName(issue.expected)}, got ${received(input)}`;
    case "invalid_value":
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, got ${JSON.stringify(input)}`;
    case "too_small":
    case "too_big": {
      const bound = issue.code === "too_small" ? issue.minimum : issue.maximum;
      const limit = `${limitWord(issue.code, issue.inclusive)} ${String(bound)}`;
      if (issue.origin === "array") {
        const length = Array.isArray(input) ? input.length : 0;
        return `expected ${limit} ${plural(Number(bound), "item")}, got ${length === 0 ? "an empty list" : length}`;
      }
      if (issue.origin === "string") {
        if (issue.code === "too_small" && Number(bound) === 1) return 'expected a non-empty string, got ""';
        return `expected ${limit} ${plural(Number(bound), "character")}, got ${received(input)}`;
      }
      return `expected a value ${issue.inclusive === false ? "" : "of "}${limit}, got ${received(input)}`;
    }
    default:
      return undefined;
  }
}

function fixFor(issue: Issue): string {
  switch (issue.code) {
    case "custom":
      return typeof issue.params?.["fix"] === "string" ? issue.params["fix"] : SCHEMA_HINT;
    case "invalid_type":
      if (issue.input === undefined && issue.path.length > 0) {
        const key = String(issue.path.at(-1));
        const parent = issue.path.slice(0, -1).map(String).join(".");
        return `add ${key} (${withArticle(typeName(issue.expected))})${parent ? ` to ${parent}` : ""}`;
      }
      if (typeof issue.input === "number" && !Number.isFinite(issue.input)) return "write a finite number here";
      return `write ${withArticle(typeName(issue.expected))} here`;
    case "invalid_value":
      return `use one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "too_small":
    case "too_big": {
      const bound = issue.code === "too_small" ? issue.minimum : issue.maximum;
      const limit = `${limitWord(issue.code, issue.inclusive)} ${String(bound)}`;
      if (issue.origin === "array") return `list ${limit} ${plural(Number(bound), "item")}`;
      if (issue.origin === "string") {
        return issue.code === "too_small" && Number(bound) === 1 ? "write a non-empty value here" : `write ${limit} ${plural(Number(bound), "character")}`;
      }
      return `use a value ${issue.inclusive === false ? "" : "of "}${limit}`;
    }
    case "invalid_format":
      return `write a value in the ${issue.format} format`;
    default:
      return SCHEMA_HINT;
  }
}

const SCHEMA_HINT = "see pipeline.schema.json for what this key accepts";

/** zod's type names, as a YAML author reads them. */
function typeName(expected: string): string {
  return expected === "int" ? "a whole number" : expected;
}

function withArticle(noun: string): string {
  if (/^(a|an|the) /.test(noun)) return noun;
  return `${/^[aeiou]/.test(noun) ? "an" : "a"} ${noun}`;
}

function limitWord(code: "too_small" | "too_big", inclusive: boolean | undefined): string {
  if (code === "too_small") return inclusive === false ? "greater than" : "at least";
  return inclusive === false ? "less than" : "at most";
}

const plural = (n: number, noun: string) => (n === 1 ? noun : `${noun}s`);

/** The value as the author wrote it: YAML spells the non-finite numbers .nan and .inf. */
function received(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") {
    if (Number.isNaN(value)) return ".nan";
    if (!Number.isFinite(value)) return value > 0 ? ".inf" : "-.inf";
    return String(value);
  }
  return typeof value === "string" ? `string ${JSON.stringify(value)}` : typeof value;
}

/** Finds the YAML node at a key path: the key itself when `key`, else its value (or the nearest parent). */
function locate(root: unknown, path: string[], key: boolean): YamlNode | undefined {
  let current = root as YamlNode | undefined;
  for (let i = 0; i < path.length; i++) {
    if (isSeq(current)) {
      const item = current.items[Number(path[i])] as YamlNode | undefined;
      if (!item) return current;
      current = item;
      continue;
    }
    if (!isMap(current)) return current;
    const pair = current.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === path[i]);
    if (!pair) return current;
    const isLast = i === path.length - 1;
    if (isLast && key) return pair.key as YamlNode;
    current = (pair.value ?? pair.key) as YamlNode;
  }
  return current;
}
