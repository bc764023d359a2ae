/**
 * The plan as data: what `pipeline plan --json` prints, versioned and published
 * as plan.schema.json (test/cli/plan-json.test.ts holds every output to it).
 * The text output is rendered from this same document (render.ts).
 *
 * Secrets appear by reference only (`env://NAME`, `file://path`, a setSecret
 * name; a `cmd://` command line as `cmd://…`), never by value.
 */

/** Bumped on any change a consumer could trip on (a field removed, renamed or retyped); adding a field is not one. */
export const PLAN_SCHEMA_VERSION = 1;

export interface PlanDocument {
  schemaVersion: typeof PLAN_SCHEMA_VERSION;
  /** The function, as `dagger call` names it (kebab-case). */
  function: string;
  /** The arguments it was given, by flag name; a Secret as its reference. */
  arguments: Record<string, ArgumentValue>;
  /** The source folder, absolute. */
  source: string;
  /** What the module read of the source itself (to detect the language, load pipeline.yaml...). */
  sourceReads: SourceRead[];
  /** Containers, grouped by what runs concurrently: one group's containers never wait for each other. */
  groups: ConcurrencyGroup[];
  exports: Export[];
  publishes: Publish[];
  /** The stages the run skipped and why, read from the summary it returned or failed with (none for a function that returns no summary). */
  skippedStages: SkippedStage[];
  /** How the function ended under PLAN_ASSUMPTION. */
  outcome: { ok: true; returns: string } | { ok: false; error: string };
}

/** What the recording engine answers while planning (recording-engine/tests-ran.ts): the one assumption every plan makes. */
export const PLAN_ASSUMPTION = "every exec answering exit code 0 and every unit-test run reporting one passing, fully covered test";

export type ArgumentValue = string | number | boolean | string[] | SecretRef;

export interface SecretRef {
  secret: string;
}

export interface SourceRead {
  /** The read: `entries`, `glob`, `exists`, `contents`, `size`, `name` or `digest`. */
  read: string;
  /** Relative to the source; `.` is the source itself. */
  path: string;
  /** The glob pattern or sub-path the read took. */
  argument?: string;
}

export interface SkippedStage {
  /** As containers name it: `integration`, `api/integration`. */
  stage: string;
  /** Why, as the summary's first line on the stage says it. */
  reason: string;
}

export interface ConcurrencyGroup {
  containers: Container[];
}

export interface Container {
  /** `c1`, `c2`...: unique within the document, in group order; exports and content refer to containers by it. */
  id: string;
  /** The base image, `null` for a container built from scratch. */
  image: string | null;
  platform: string | null;
  /**
   * The stage it runs for (`test`; `api/test` for project `api` of a `projects` config), from the label the
   * stage puts on it; for an unlabelled one (an install, a tool's build), the one stage built on it or
   * taking files from it; else `null`.
   */
  stage: string | null;
  /** The stages built on it or taking files from it, when there are several (an install they share); else empty. */
  sharedBy: string[];
  /** The chain of calls that builds the container, in order (the text output lists these). */
  steps: Step[];
  /** Each exec with the state it runs in: what a `dagger call` of the function would execute. */
  execs: Exec[];
  /** What the function read of the container once it ran. */
  reads: Read[];
}

/** A folder or file a step takes its contents from. */
export type ContentRef =
  /** A path of the source (`.` is the source itself), narrowed by Directory.filter calls in order. */
  | { kind: "source"; path: string; filters: PathFilter[] }
  /** A host path outside the source (plan refuses to read it). */
  | { kind: "host"; path: string }
  /** A directory built by the function: the files it writes. */
  | { kind: "directory"; files: string[] }
  /** A path of another container, after it ran. */
  | { kind: "container"; container: string | null; image: string | null; path: string }
  /** Anything else, by the calls that make it. */
  | { kind: "other"; calls: string[] };

export interface PathFilter {
  include: string[];
  exclude: string[];
}

export type CacheSharing = "SHARED" | "PRIVATE" | "LOCKED";

export type Step =
  | { op: "from"; image: string }
  | { op: "workdir"; path: string | null }
  | { op: "user"; user: string | null }
  | { op: "env"; name: string; value: string }
  | { op: "unset-env"; name: string }
  | { op: "secret-env"; name: string; secret: SecretRef }
  | { op: "unset-secret-env"; name: string }
  | { op: "mount"; type: "directory" | "file"; path: string; source: ContentRef; include: string[]; exclude: string[]; owner: string | null; readOnly: boolean }
  | { op: "cache"; path: string; volume: string; sharing: CacheSharing; owner: string | null; source: ContentRef | null }
  | { op: "secret-file"; path: string; secret: SecretRef; owner: string | null; mode: number | null }
  | { op: "tmpfs"; path: string }
  | { op: "unmount"; path: string }
  | { op: "copy"; path: string; source: ContentRef; include: string[]; exclude: string[]; owner: string | null; permissions: number | null }
  | { op: "new-file"; path: string; bytes: number; sha256: string; owner: string | null; permissions: number | null }
  | { op: "remove"; path: string }
  | { op: "registry-auth"; address: string; username: string; secret: SecretRef }
  | { op: "exec"; argv: string[]; exitCode: ExitCodeHandling }
  | { op: "config"; call: string; arguments: Record<string, unknown> };

/**
 * `checked`: a non-zero exit fails the function; `read`: the function reads
 * the exit code and goes on (ReturnType.Any); `must-fail`: a zero exit fails it.
 */
export type ExitCodeHandling = "checked" | "read" | "must-fail";

export type EnvVar = { name: string; value: string } | { name: string; secret: SecretRef };

export type Mount =
  | { type: "directory" | "file"; path: string; source: ContentRef; include: string[]; exclude: string[]; owner: string | null; readOnly: boolean }
  | { type: "cache"; path: string; volume: string; sharing: CacheSharing; owner: string | null; source: ContentRef | null }
  | { type: "secret"; path: string; secret: SecretRef; owner: string | null; mode: number | null }
  | { type: "tmpfs"; path: string };

export type Copy =
  | { type: "copy"; path: string; source: ContentRef; include: string[]; exclude: string[]; owner: string | null; permissions: number | null }
  | { type: "new-file"; path: string; bytes: number; sha256: string; owner: string | null; permissions: number | null };

export interface Exec {
  argv: string[];
  exitCode: ExitCodeHandling;
  /** `null`: the image's default. */
  user: string | null;
  /** `null`: the image's default. */
  workdir: string | null;
  /** In the order set; a secret by reference. */
  env: EnvVar[];
  /** What is mounted when it runs, by path. */
  mounts: Mount[];
  /** What was copied or written into the container's filesystem before it, in order. */
  copies: Copy[];
}

export interface Read {
  /** The SDK call that read it: `stdout`, `exitCode`, `contents`, `export`, `publish`... */
  read: string;
  /** The path read (a file, a directory), when it is not the container itself. */
  path: string | null;
}

export interface Export {
  container: string | null;
  /** What was exported of the container (`null`: a directory or file the function built). */
  from: string | null;
  /** Where it goes on the host, as given. */
  to: string;
}

export interface Publish {
  /** The image reference, with its tag. */
  address: string;
  platforms: string[];
  /** Each platform's image: a Dockerfile build of a content ref, or a container of this plan. */
  variants: PublishVariant[];
  /** The registry credentials it publishes with. */
  registryAuth: { address: string; username: string; secret: SecretRef }[];
}

export type PublishVariant =
  | { kind: "dockerfile"; platform: string | null; context: ContentRef; dockerfile: string; buildArgs: { name: string; value: string }[] }
  | { kind: "container"; platform: string | null; container: string | null };
