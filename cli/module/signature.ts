/**
 * What the CLI knows of the Dagger module's functions: read from
 * pipeline/src/index.ts by extract-signature.ts, at build time for the compiled
 * CLI (so start-up parses no TypeScript) and on demand from the sources.
 * Plain data: it is written into the build as JSON.
 */

/** How a command-line value becomes an argument; `undefined`: a type plan cannot pass (a Directory, a File...). */
export type ParamKind = "string" | "number" | "boolean" | "secret" | "string[]" | undefined;

export interface ModuleParam {
  /** As declared (camelCase). */
  name: string;
  /** As `dagger call` spells the flag (kebab-case). */
  flag: string;
  /** The declared type as written, without `| undefined` or `| null`, e.g. `Secret`. */
  type: string;
  kind: ParamKind;
  optional: boolean;
  /** The default written in the declaration, when it is a literal (what `dagger call --help` shows). */
  default?: string | number | boolean | string[];
  /** The JSDoc `@param` text, which `dagger call --help` shows. */
  description: string;
  /** A Directory's `@argument({ defaultPath })`: what `dagger call` passes when the flag is absent (relative to the module's context). */
  defaultPath?: string;
  /** Its `@argument({ ignore })`: what that default leaves out. */
  ignore?: string[];
}

export interface ModuleFunction {
  name: string;
  flag: string;
  /** The first paragraph of the method's JSDoc. */
  description: string;
  params: ModuleParam[];
}

export interface ModuleSignature {
  /** The constructor's arguments other than the source: `dagger call --name value <function>` takes them before the function. */
  constructorParams: ModuleParam[];
  /** The `@func()` methods of the `@object()` class, in declaration order. */
  functions: ModuleFunction[];
  /** The constructor's `@argument({ ignore })` on the source: what `dagger call` leaves out of the upload. */
  sourceIgnore: string[];
}

/** `registryToken` → `registry-token`, as Dagger names flags and functions. */
export function toKebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
