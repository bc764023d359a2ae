import { createHash } from "node:crypto";
import { argText, isChainRef, type ArgValue, type Step as Call } from "../recording-engine/query.js";
import type { CacheSharing, Step } from "./document.js";
import { contentRef, secretRef, strings, type ContainerIdOf, type PlanSource } from "./refs.js";

/** A container's chain of SDK calls (after `container`), as plan steps; `sync` adds nothing. */
export function describeSteps(calls: readonly Call[], source: PlanSource, containerIdOf: ContainerIdOf): Step[] {
  return calls.flatMap((call) => describeStep(call, source, containerIdOf) ?? []);
}

function describeStep(call: Call, source: PlanSource, containerIdOf: ContainerIdOf): Step | undefined {
  const a = call.args;
  const text = (name: string) => argText(a[name]);
  const optional = (name: string) => (a[name] === undefined || a[name] === null ? null : argText(a[name]));
  const content = (name: string) => contentRef(a[name], source, containerIdOf);
  switch (call.field) {
    case "sync":
      return undefined;
    case "from":
      return { op: "from", image: text("address") };
    case "withWorkdir":
      return { op: "workdir", path: text("path") };
    case "withoutWorkdir":
      return { op: "workdir", path: null };
    case "withUser":
      return { op: "user", user: text("name") };
    case "withoutUser":
      return { op: "user", user: null };
    case "withEnvVariable":
      // Not secret by Dagger's own rules: a secret goes through withSecretVariable.
      return { op: "env", name: text("name"), value: text("value") };
    case "withoutEnvVariable":
      return { op: "unset-env", name: text("name") };
    case "withSecretVariable":
      return { op: "secret-env", name: text("name"), secret: secretRef(a["secret"]) };
    case "withoutSecretVariable":
      return { op: "unset-secret-env", name: text("name") };
    case "withMountedDirectory":
    case "withMountedFile":
      return {
        op: "mount",
        type: call.field === "withMountedFile" ? "file" : "directory",
        path: text("path"),
        source: content("source"),
        include: strings(a["include"]),
        exclude: strings(a["exclude"]),
        owner: optional("owner"),
        readOnly: a["readOnly"] === true,
      };
    case "withMountedCache":
      return {
        op: "cache",
        path: text("path"),
        volume: cacheVolumeName(a["cache"]),
        sharing: (optional("sharing") ?? "SHARED") as CacheSharing,
        owner: optional("owner"),
        source: a["source"] === undefined ? null : content("source"),
      };
    case "withMountedSecret":
      return { op: "secret-file", path: text("path"), secret: secretRef(a["source"]), owner: optional("owner"), mode: numberOrNull(a["mode"]) };
    case "withMountedTemp":
      return { op: "tmpfs", path: text("path") };
    case "withoutMount":
      return { op: "unmount", path: text("path") };
    case "withDirectory":
    case "withFile":
      return {
        op: "copy",
        path: text("path"),
        source: content(a["source"] !== undefined ? "source" : "directory"),
        include: strings(a["include"]),
        exclude: strings(a["exclude"]),
        owner: optional("owner"),
        permissions: numberOrNull(a["permissions"]),
      };
    case "withNewFile": {
      const contents = text("contents");
      return {
        op: "new-file",
        path: text("path"),
        bytes: Buffer.byteLength(contents),
        sha256: createHash("sha256").update(contents).digest("hex"),
        owner: optional("owner"),
        permissions: numberOrNull(a["permissions"]),
      };
    }
    case "withoutDirectory":
    case "withoutFile":
      return { op: "remove", path: text("path") };
    case "withRegistryAuth":
      return { op: "registry-auth", address: text("address"), username: text("username"), secret: secretRef(a["secret"]) };
    case "withExec":
      return { op: "exec", argv: (a["args"] as ArgValue[]).map((v) => argText(v)), exitCode: a["expect"] === "ANY" ? "read" : a["expect"] === "FAILURE" ? "must-fail" : "checked" };
    default:
      return { op: "config", call: call.field, arguments: plainArguments(a) };
  }
}

function cacheVolumeName(value: ArgValue | undefined): string {
  const first = isChainRef(value) ? value.$chain[0] : undefined;
  return first?.field === "cacheVolume" ? argText(first.args["key"]) : "?";
}

function numberOrNull(value: ArgValue | undefined): number | null {
  return typeof value === "number" ? value : null;
}

/** Arguments as JSON, an object passed by ID as the calls that made it. */
function plainArguments(args: Record<string, ArgValue>): Record<string, unknown> {
  const plain = (value: ArgValue): unknown =>
    isChainRef(value)
      ? { calls: value.$chain.map((s) => s.field) }
      : Array.isArray(value)
        ? value.map(plain)
        : value && typeof value === "object"
          ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]))
          : value;
  return Object.fromEntries(Object.entries(args).map(([key, value]) => [key, plain(value)]));
}
