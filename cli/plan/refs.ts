import { argText, isChainRef, type ArgValue, type Step } from "../recording-engine/query.js";
import { shownReference } from "../secret-reference.js";
import type { ContentRef, PathFilter, SecretRef } from "./document.js";

/** The source the plan reads, and the module's ignore list for its upload (what `dagger call` leaves out of it). */
export interface PlanSource {
  root: string;
  ignore: readonly string[];
}

/** Finds the plan's id of the container a chain's container part is (undefined: one the function never ran). */
export type ContainerIdOf = (containerChain: readonly Step[]) => string | undefined;

/**
 * A secret by its reference, never its value: the `dagger call` URI
 * (env://NAME, file://path) or a setSecret name; a cmd:// command line may
 * hold a secret, so it is shown as `cmd://…`.
 */
export function secretRef(value: ArgValue | undefined): SecretRef {
  const first = isChainRef(value) ? value.$chain[0] : undefined;
  if (first?.field === "secret") return { secret: shownReference(argText(first.args["uri"])) };
  if (first?.field === "setSecret") return { secret: argText(first.args["name"]) };
  return { secret: "(a secret)" };
}

/** What a mount or copy takes its contents from, named by where it comes from. */
export function contentRef(value: ArgValue | undefined, source: PlanSource, containerIdOf: ContainerIdOf): ContentRef {
  if (!isChainRef(value)) return { kind: "other", calls: [argText(value)] };
  const steps = value.$chain;
  const first = steps[0];
  if (first?.field === "host") {
    const path = steps.slice(1).filter((s) => s.field !== "filter").map((s) => argText(s.args["path"] ?? "")).join("/");
    const relative = relativeTo(path, source.root);
    if (relative === undefined) return { kind: "host", path };
    const filters: PathFilter[] = steps.filter((s) => s.field === "filter").map((s) => ({ include: strings(s.args["include"]), exclude: strings(s.args["exclude"]) }));
    // An upload of its own (the module's .git-only one): its include/exclude narrow it first.
    const upload = { include: strings(steps[1]?.args["include"]), exclude: strings(steps[1]?.args["exclude"]) };
    const plainUpload = upload.include.length === 0 && JSON.stringify(upload.exclude) === JSON.stringify(source.ignore);
    return { kind: "source", path: relative, filters: plainUpload ? filters : [upload, ...filters] };
  }
  if (first?.field === "directory") {
    return { kind: "directory", files: steps.filter((s) => s.field === "withNewFile").map((s) => argText(s.args["path"])) };
  }
  if (first?.field === "container") {
    const end = containerEnd(steps);
    const image = steps.find((s) => s.field === "from")?.args["address"];
    const tail = steps.slice(end + 1);
    return {
      kind: "container",
      container: containerIdOf(steps.slice(0, end + 1)) ?? null,
      image: image === undefined ? null : argText(image),
      path: tail.map((s) => argText(s.args["path"] ?? s.field)).join("/") || "/",
    };
  }
  return { kind: "other", calls: steps.map((s) => s.field) };
}

/** Calls that return the Container they are called on, changed: a container's chain runs through them. */
export const CONTAINER_CALLS = new Set([
  "from", "sync", "import", "withAnnotation", "withDefaultArgs", "withDefaultTerminalCmd", "withDirectory", "withDockerHealthcheck",
  "withEntrypoint", "withEnvFileVariables", "withEnvVariable", "withError", "withExec", "withExposedPort", "withFile", "withFiles",
  "withLabel", "withMountedCache", "withMountedDirectory", "withMountedFile", "withMountedSecret", "withMountedTemp", "withMountedVolume",
  "withNewFile", "withRegistryAuth", "withRootfs", "withSecretVariable", "withServiceBinding", "withSymlink", "withUnixSocket", "withUser",
  "withVolatileVariable", "withWorkdir", "withoutAnnotation", "withoutDefaultArgs", "withoutDirectory", "withoutDockerHealthcheck",
  "withoutEntrypoint", "withoutEnvVariable", "withoutExposedPort", "withoutFile", "withoutFiles", "withoutLabel", "withoutMount",
  "withoutRegistryAuth", "withoutSecretVariable", "withoutUnixSocket", "withoutUser", "withoutVolatileVariable", "withoutWorkdir",
]);

/** The index of a chain's last Container step (-1 when it does not start with `container`). */
export function containerEnd(steps: readonly Step[]): number {
  if (steps[0]?.field !== "container") return -1;
  let last = 0;
  for (let i = 1; i < steps.length && CONTAINER_CALLS.has(steps[i]!.field); i++) last = i;
  return last;
}

/** `path` relative to `root` (`.` for the root itself), or undefined when it is outside. */
export function relativeTo(path: string, root: string): string | undefined {
  const normalized = path.replace(/\/+/g, "/").replace(/\/$/, "");
  const base = root.replace(/\/$/, "");
  if (normalized === base) return ".";
  return normalized.startsWith(`${base}/`) ? normalized.slice(base.length + 1) : undefined;
}

export function strings(value: ArgValue | undefined): string[] {
  return Array.isArray(value) ? value.map((v) => argText(v)) : [];
}
