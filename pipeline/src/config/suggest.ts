import { z } from "../../vendor/zod.js";
import { pipelineConfigSchema } from "./schema.js";

/** The keys the schema allows at a key path (for "did you mean" and "allowed keys" hints). */
export function keysAt(path: readonly string[]): string[] {
  let schema: z.ZodType = pipelineConfigSchema;
  for (const segment of path) {
    const record = unwrap(schema);
    // A record (projects, secrets) holds values of one schema under any key.
    if (record instanceof z.ZodRecord) {
      schema = record.valueType as z.ZodType;
      continue;
    }
    const object = unwrapObject(schema);
    if (!object) return [];
    // Keys beside the known ones (stages of the user's own) take the catchall's schema.
    const next: z.ZodType | undefined = (object.shape as Record<string, z.ZodType>)[segment] ?? (object._zod.def.catchall as z.ZodType | undefined);
    if (!next) return [];
    schema = next;
  }
  const object = unwrapObject(schema);
  return object ? Object.keys(object.shape) : [];
}

function unwrapObject(schema: z.ZodType): z.ZodObject | undefined {
  const current = unwrap(schema);
  return current instanceof z.ZodObject ? current : undefined;
}

/** Defaults, optionals and the null-reading preprocess (rules.ts) wrap a schema; peel them off. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema;
  for (;;) {
    if (current instanceof z.ZodDefault || current instanceof z.ZodOptional) current = current.unwrap() as z.ZodType;
    else if (current instanceof z.ZodPipe) current = current.out as z.ZodType;
    else return current;
  }
}

/** The known key closest to `key` by edit distance, when it is close enough to be a typo. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (!best || distance < best.distance) best = { key: candidate, distance };
  }
  if (!best) return undefined;
  const tolerance = Math.max(2, Math.floor(best.key.length / 3));
  return best.distance <= tolerance ? best.key : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length]!;
}
