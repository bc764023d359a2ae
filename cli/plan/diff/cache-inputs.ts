import { createHash } from "node:crypto";
import { resolve } from "node:path";
import { pathFilter } from "../../recording-engine/path-filter.js";
import { argText, isChainRef, type ArgValue, type Step as Call } from "../../recording-engine/query.js";
import { relativeTo, secretRef, strings } from "../refs.js";
import { narrow, type FileDigests, type SourceFiles } from "./source-files.js";

/** What a change to an input is, as the diff names it. */
export type InputKind = "image" | "env" | "secret" | "file" | "generated-file" | "argument" | "exec" | "container-output" | "step";

/**
 * One step of an exec's chain as its cache key sees it: `slot` says which
 * step it is (the same in two plans of the same pipeline, whatever the
 * values), `value` digests everything else it feeds the key; a copy or mount
 * of the source also lists its files, so a change names them.
 */
export interface StepInput {
  slot: string;
  kind: InputKind;
  /** For a reader: `env GOFLAGS`, `copy to /src`, `exec go test`. */
  label: string;
  /** Shown before → after when it changes (env values, image references, argv); never for a secret's contents. */
  shown: string;
  value: string;
  files?: FileDigests;
}

/**
 * The inputs of each step of a container chain, in order, read the way the
 * engine keys an exec: every earlier step counts; a source folder counts by
 * the contents of the files it carries (after its filters), not by its
 * path; a cache volume by its name, never its contents; a secret by its
 * reference; another container's output by that container's own inputs.
 */
export class CacheInputs {
  private readonly chainKeys = new Map<string, string>();

  constructor(private readonly files: SourceFiles) {}

  /** Inputs of the chain's steps after `container`, up to and including its last. */
  inputsOf(chain: readonly Call[]): StepInput[] {
    const occurrences = new Map<string, number>();
    return chain.slice(1).flatMap((call): StepInput[] => {
      const input = this.describe(call);
      if (!input) return [];
      // Two steps in one slot (two execs of `go`): numbered, so an alignment can tell them apart.
      const n = (occurrences.get(input.slot) ?? 0) + 1;
      occurrences.set(input.slot, n);
      return [{ ...input, slot: `${input.slot}#${n}` }];
    });
  }

  /** A digest of everything that keys the chain's last step. */
  keyOf(chain: readonly Call[]): string {
    const id = JSON.stringify(chain);
    let key = this.chainKeys.get(id);
    if (key === undefined) {
      const hash = createHash("sha256");
      for (const input of this.inputsOf(chain)) hash.update(`${input.slot}\0${input.value}\0${digestOf(input.files)}\0`);
      key = hash.digest("hex").slice(0, 16);
      this.chainKeys.set(id, key);
    }
    return key;
  }

  private describe(call: Call): Omit<StepInput, "slot"> & { slot: string } | undefined {
    const a = call.args;
    const text = (name: string) => argText(a[name]);
    const options = (...names: string[]) => JSON.stringify(names.map((n) => a[n] ?? null));
    switch (call.field) {
      case "sync":
        return undefined;
      case "from":
        return { slot: "from", kind: "image", label: "base image", shown: text("address"), value: text("address") };
      case "withEnvVariable":
        return { slot: `env ${text("name")}`, kind: "env", label: `env ${text("name")}`, shown: text("value"), value: `${text("value")}\0${options("expand")}` };
      case "withSecretVariable":
      case "withMountedSecret": {
        const where = call.field === "withSecretVariable" ? text("name") : text("path");
        const ref = secretRef(a["secret"] ?? a["source"]).secret;
        return { slot: `secret ${where}`, kind: "secret", label: `secret ${where}`, shown: ref, value: `${ref}\0${options("owner", "mode")}` };
      }
      case "withExec": {
        const argv = (a["args"] as ArgValue[]).map((v) => argText(v));
        const rest = Object.fromEntries(Object.entries(a).filter(([k]) => k !== "args"));
        return { slot: `exec ${argv[0] ?? ""}`, kind: "exec", label: `exec ${argv.slice(0, 2).join(" ")}`, shown: argv.join(" "), value: `${JSON.stringify(argv)}\0${this.valueOf(rest)}` };
      }
      case "withNewFile":
        return { slot: `file ${text("path")}`, kind: "generated-file", label: `file ${text("path")}`, shown: "", value: `${digest(text("contents"))}\0${options("owner", "permissions")}` };
      case "withDirectory":
      case "withFile":
      case "withMountedDirectory":
      case "withMountedFile": {
        const verb = call.field.startsWith("withMounted") ? "mount" : "copy";
        const source = a["source"] ?? a["directory"];
        const files = this.sourceFilesOf(source, strings(a["include"]), strings(a["exclude"]));
        const first = isChainRef(source) ? source.$chain[0]?.field : undefined;
        const kind = files || first === "host" ? "file" : first === "container" ? "container-output" : "generated-file";
        const rest = Object.fromEntries(Object.entries(a).filter(([k]) => k !== "source" && k !== "directory" && k !== "path"));
        return { slot: `${verb} ${text("path")}`, kind, label: `${verb} to ${text("path")}`, shown: "", value: files ? this.valueOf(rest) : this.valueOf(a), ...(files ? { files } : {}) };
      }
      case "withMountedCache":
        return { slot: `cache ${text("path")}`, kind: "step", label: `cache at ${text("path")}`, shown: this.valueOf(a), value: this.valueOf(a) };
      default: {
        const path = a["path"] ?? a["name"];
        const where = path === undefined ? "" : ` ${argText(path)}`;
        return { slot: `${call.field}${where}`, kind: "step", label: `${call.field}${where}`, shown: this.valueOf(a), value: this.valueOf(a) };
      }
    }
  }

  /** The source files a copy or mount carries: its ref's folder and filters, then the step's own include/exclude; undefined when it is not the source. */
  private sourceFilesOf(value: ArgValue | undefined, include: string[], exclude: string[]): FileDigests | undefined {
    if (!isChainRef(value) || value.$chain[0]?.field !== "host") return undefined;
    const [, upload, ...rest] = value.$chain;
    if (upload?.field === "file" && rest.length === 0) {
      const path = relativeTo(resolve(argText(upload.args["path"])), this.files.root);
      return path === undefined ? undefined : new Map([[path, this.files.digest(path)]]);
    }
    if (upload?.field !== "directory" || resolve(argText(upload.args["path"])) !== this.files.root) return undefined;
    let files = this.files.uploaded(strings(upload.args["include"]), strings(upload.args["exclude"]));
    for (const step of rest) {
      if (step.field === "directory") files = narrow(files, argText(step.args["path"]), []);
      else if (step.field === "filter") files = narrow(files, ".", [pathFilter(strings(step.args["include"]), strings(step.args["exclude"]))]);
      else if (step.field === "file") files = new Map([...narrow(files, ".", [])].filter(([path]) => path === argText(step.args["path"])));
      else return undefined;
    }
    return narrow(files, ".", include.length || exclude.length ? [pathFilter(include, exclude)] : []);
  }

  /** Arguments as a digestible value, an object passed by ID as that chain's own key (a source folder by its files). */
  private valueOf(args: Record<string, ArgValue>): string {
    const plain = (value: ArgValue): unknown => {
      if (!isChainRef(value)) return Array.isArray(value) ? value.map(plain) : value && typeof value === "object" ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)])) : value;
      const chain = value.$chain;
      if (chain[0]?.field === "container") return { container: this.keyOf(chain) };
      const files = this.sourceFilesOf(value, [], []);
      if (files) return { source: digestOf(files) };
      if (chain[0]?.field === "host") return { host: relativeTo(chain.map((s) => argText(s.args["path"] ?? "")).join("/"), this.files.root) ?? "outside" };
      return { calls: chain.map((s) => ({ field: s.field, args: plain(s.args as ArgValue) })) };
    };
    return JSON.stringify(plain(args));
  }
}

function digest(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

function digestOf(files: FileDigests | undefined): string {
  return files ? digest(JSON.stringify([...files])) : "";
}
