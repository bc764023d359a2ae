import { z } from "../../vendor/zod.js";

/**
 * Building blocks of the pipeline.yaml schema that carry their own wording:
 * each rule says what is wrong with a value and how to fix it, and load.ts
 * prints both (the fix travels in the issue's `params.fix`).
 */

export interface RuleProblem {
  message: string;
  fix: string;
}

/** Adds a check whose failure is a custom issue with its own message and fix. */
export function explained<T extends z.ZodType>(schema: T, check: (value: z.output<T>) => RuleProblem | undefined): T {
  return schema.superRefine((value, ctx) => {
    const problem = check(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem.message, params: { fix: problem.fix }, input: value });
  });
}

/** A string matching `pattern`, which is also its JSON Schema `pattern`, so editors flag what `validate` rejects. */
export function matching(pattern: RegExp, explain: (value: string) => RuleProblem): z.ZodString {
  return explained(z.string(), (value) => (pattern.test(value) ? undefined : explain(value))).meta({ pattern: pattern.source });
}

// YAML reads a key whose children are all commented out (`stages:` alone) as null.
const nullIsAbsent = z.registry<{ nullIsAbsent: true }>();

/**
 * Reads null as "not set", so the defaults apply to a section left empty.
 * The JSON Schema then allows null there too (see `allowNullWhereAbsent`).
 */
export function emptyIsAbsent<T extends z.ZodType>(schema: T) {
  const wrapped = z.preprocess((value) => (value === null ? undefined : value), schema);
  nullIsAbsent.add(wrapped, { nullIsAbsent: true });
  return wrapped;
}

/** A mapping whose keys all have defaults: absent, empty or null, it is its defaults. */
export function section<T extends z.ZodObject>(object: T) {
  // A fresh object per parse: a shared default would leak one config's mutations into the next.
  return emptyIsAbsent(object.default(() => object.parse({}) as z.core.util.NoUndefined<z.output<T>>));
}

/**
 * `toJSONSchema` override for the schemas `emptyIsAbsent` wraps: adds "null" to
 * their type, and restores the default that zod drops from the input schema of
 * anything containing a transform (the null-reading preprocess is one).
 */
export function allowNullWhereAbsent(ctx: { zodSchema: z.core.$ZodType; jsonSchema: z.core.JSONSchema.BaseSchema }): void {
  const { zodSchema, jsonSchema } = ctx;
  if (!nullIsAbsent.get(zodSchema as z.ZodType)?.nullIsAbsent) return;
  if (typeof jsonSchema.type === "string") jsonSchema.type = [jsonSchema.type, "null"];
  const fallback = z.safeParse(zodSchema, undefined);
  if (fallback.success && fallback.data !== undefined && jsonSchema.default === undefined) jsonSchema.default = fallback.data;
}

// Absolute (POSIX, Windows drive or backslash) or with a ".." segment: such a path leaves the folder it is relative to.
const INSIDE = /^(?![/\\]|[A-Za-z]:)(?!([\s\S]*[/\\])?\.\.([/\\]|$))/;

/**
 * A path that stays inside the folder it is relative to: relative and without
 * "..", so the Dagger directory or file it selects is part of the source the
 * pipeline was given (Dagger cannot reach outside it anyway, but fails later
 * and less clearly).
 */
export function insidePath(key: string, base: "repository" | "project", example: string): z.ZodString {
  const inside = base === "repository" ? "the repository" : "the project folder";
  const relativeTo = base === "repository" ? "the repository root" : "the project folder (workdir)";
  return matching(INSIDE, (path) => {
    const why = /^([/\\]|[A-Za-z]:)/.test(path) ? "is absolute" : 'leaves it through ".."';
    return {
      message: `expected a path inside ${inside}, got ${JSON.stringify(path)}, which ${why}`,
      fix: `write ${key} relative to ${relativeTo}, without a leading "/" or "..", e.g. ${example}`,
    };
  }).min(1);
}

// name[:port]/path, then a tag with a digit in it (a version; not latest, stable, alpine, lts), or any tag plus a digest.
const PINNED_IMAGE = /^[a-z0-9][\w.-]*(:\d+(?=\/))?(\/[\w.-]+)*(:(?=[\w.-]*\d)[\w.-]+|(:[\w.-]+)?@sha256:[a-f0-9]{64})$/;

/**
 * A tool image pinned to a version tag or a digest. A tag without a version
 * number floats: the image behind `latest`, `stable` or `alpine` changes with
 * every upstream release, and so would the pipeline's results.
 */
export function pinnedImage(key: string, example: string): z.ZodString {
  return matching(PINNED_IMAGE, (ref) => {
    const name = ref.split("@")[0]!;
    const lastSegment = name.slice(name.lastIndexOf("/") + 1);
    const tag = lastSegment.includes(":") ? lastSegment.slice(lastSegment.indexOf(":") + 1) : undefined;
    let message = `expected an image pinned by a version tag or a digest, like ${example}, got ${JSON.stringify(ref)}`;
    if (/^[a-z0-9][\w./:-]*$/.test(ref) && !ref.endsWith(":")) {
      if (tag === undefined) message = `${JSON.stringify(ref)} has no tag, so it means ${name}:latest, which changes with every release`;
      else if (tag === "latest") message = `${JSON.stringify(ref)} is not pinned: the image behind "latest" changes with every release`;
      else if (!/\d/.test(tag)) message = `${JSON.stringify(ref)} is not pinned: a tag without a version number ("${tag}") moves with every release`;
    }
    return { message, fix: `pin ${key} to a version tag or a digest (@sha256:...), e.g. ${example}` };
  });
}
