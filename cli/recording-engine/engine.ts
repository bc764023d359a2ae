import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { posix } from "node:path";
import { pinnedDaggerVersion } from "../dagger-version.js";
import { answerFunctionCall, inputArgChains, type FunctionCall } from "./function-call.js";
import { hostTarget, isInside, readHost } from "./host-fs.js";
import { argText, isChainRef, parseChainQuery, type ArgValue, type Step } from "./query.js";
import { WaveScheduler } from "./waves.js";

/** What a simulated exec does. Exit code 0 with empty output when not said otherwise. */
export interface ExecOutcome {
  exitCode: number;
  stdout?: string;
  stderr?: string;
}

export interface RecordingEngineOptions {
  /**
   * Simulated run time of each exec, so concurrency and caching show in wall
   * time (the benchmark's mode). Without it, execs are answered in waves
   * (see waves.ts), which show concurrency whatever the machine's load.
   */
  execLatencyMs?: number | ((args: readonly string[]) => number);
  /** Decides an exec's exit code and output (inject failures here). */
  execOutcome?: (args: readonly string[]) => ExecOutcome | undefined;
  /** Contents of a file read from a container or built directory (not the host). */
  fileContents?: (path: string, steps: readonly Step[]) => string | undefined;
  /** When set, host reads outside this folder fail (plan confines them to the source). */
  hostRoot?: string;
  /** Sees every request body the SDK sent, as sent (the planted-secret tests read them all). */
  onRequestBody?: (body: string) => void;
}

/** What the SDK's GraphQL client reads of a response (graphql-request: status, headers, text). */
export interface InProcessResponse {
  ok: boolean;
  status: number;
  headers: Headers;
  text: () => Promise<string>;
}

/** One query the SDK sent, with its chain fully expanded. */
export interface CallRecord {
  seq: number;
  /** The chain up to and including the leaf. */
  steps: Step[];
  leaf: string;
  /** Waves of execs answered before this call arrived: calls of one epoch were sent concurrently. */
  epoch: number;
  startedAt: number;
  endedAt: number;
  error?: string;
}

/** One exec the engine ran, and the wave that answered it (0 in latency mode). */
export interface Execution {
  args: string[];
  wave: number;
}

interface ExecResult extends Execution {
  outcome: ExecOutcome;
  /** True when the exec's outcome was an error the SDK must raise. */
  failed: boolean;
}

/** Fields returning lists of objects: the SDK selects `{ id }` on each element. */
const OBJECT_LIST_FIELDS = new Set(["envVariables", "exposedPorts", "labels", "mounts", "secrets", "checks"]);

/**
 * An in-process stand-in for the Dagger engine's GraphQL endpoint. The real
 * SDK connects to it through DAGGER_SESSION_PORT/TOKEN, so module code runs
 * unchanged while every call is recorded for assertions and `plan`.
 */
export class RecordingEngine {
  readonly records: CallRecord[] = [];
  readonly token = randomBytes(16).toString("hex");
  private readonly ids = new Map<string, Step[]>();
  private readonly execs = new Map<string, Promise<ExecResult>>();
  private readonly origin = performance.now();
  private readonly waves = new WaveScheduler();
  private server: Server | undefined;
  private seq = 0;

  /**
   * The function call handed to a module's entrypoint when the module runs as
   * the runtime runs it (test/runtime); set it once its parent's IDs are known (idOf).
   */
  functionCall: FunctionCall | undefined;

  constructor(private readonly options: RecordingEngineOptions = {}) {}

  async start(): Promise<this> {
    const server = createServer((req, res) => void this.handle(req, res));
    // The SDK keeps its connection alive across a module's long silences (introspecting
    // the module's files takes seconds on a loaded machine); Node's 5 s default would
    // close it under the client, as an engine never does.
    server.keepAliveTimeout = 600_000;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.server = server;
    return this;
  }

  get port(): number {
    if (!this.server) throw new Error("RecordingEngine.start() was not called");
    return (this.server.address() as AddressInfo).port;
  }

  /** Environment that points the SDK at this engine. */
  sessionEnv(): Record<"DAGGER_SESSION_PORT" | "DAGGER_SESSION_TOKEN", string> {
    return { DAGGER_SESSION_PORT: String(this.port), DAGGER_SESSION_TOKEN: this.token };
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await closed;
    }
  }

  /** Every exec, in the order its first evaluation started, with the chain that ran it. */
  executedCommands(): string[][] {
    return [...this.execs.keys()].map((key) => execArgsOf(JSON.parse(key) as Step[]));
  }

  /** Every exec answered so far, with its wave: execs of one wave ran concurrently. */
  async executions(): Promise<Execution[]> {
    return (await Promise.all(this.execs.values())).map(({ args, wave }) => ({ args, wave }));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const expected = "Basic " + Buffer.from(`${this.token}:`).toString("base64");
    if (req.headers.authorization !== expected) {
      res.writeHead(401).end("unauthorized");
      return;
    }
    const chunks: Buffer[] = [];
    this.waves.begin();
    try {
      for await (const chunk of req) chunks.push(chunk as Buffer);
    } finally {
      this.waves.end();
    }
    const reply = (body: unknown) => {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
      this.waves.activity();
    };
    try {
      const body = Buffer.concat(chunks).toString("utf8");
      this.options.onRequestBody?.(body);
      const { query } = JSON.parse(body) as { query: string };
      reply(await this.answer(query));
    } catch (error) {
      reply({ data: null, errors: [{ message: `recording engine: ${(error as Error).message}` }] });
    }
  }

  /**
   * The GraphQL endpoint as a `fetch` function, for an SDK client in this
   * process (recordRun): the same answers as over HTTP, without a socket,
   * a request and a response stream per query, which took most of a plan's
   * time. The module's queries are still the SDK's own.
   */
  readonly fetch = async (_url: unknown, init?: { body?: unknown }): Promise<InProcessResponse> => {
    this.waves.activity();
    let body: unknown;
    try {
      this.options.onRequestBody?.(String(init?.body));
      body = await this.answer((JSON.parse(String(init?.body)) as { query: string }).query);
    } catch (error) {
      body = { data: null, errors: [{ message: `recording engine: ${(error as Error).message}` }] };
    }
    this.waves.activity();
    const text = JSON.stringify(body);
    return { ok: true, status: 200, headers: new Headers({ "content-type": "application/json" }), text: () => Promise.resolve(text) };
  };

  private async answer(query: string): Promise<unknown> {
    const parsed = parseChainQuery(query, (id) => this.ids.get(id));
    const steps = expandNode(parsed.steps);
    const leaf = steps[steps.length - 1]!;
    const record: CallRecord = {
      seq: this.seq++,
      steps,
      leaf: leaf.field,
      epoch: this.waves.epoch,
      startedAt: performance.now() - this.origin,
      endedAt: 0,
    };
    this.records.push(record);
    try {
      if (steps.length === 3 && steps[0]!.field === "currentFunctionCall" && steps[1]!.field === "inputArgs") {
        // A list of objects: one `{ id }` per argument.
        const ids = inputArgChains(this.functionCall).map((chain) => ({ id: this.register(chain) }));
        return { data: nest(parsed.path.slice(0, -1), ids) };
      }
      const value = await this.resolve(steps);
      return { data: nest(parsed.path, value) };
    } catch (error) {
      const failure = error as ExecFailure | Error;
      record.error = failure.message;
      return { data: null, errors: [toGraphQLError(failure, parsed.path)] };
    } finally {
      record.endedAt = performance.now() - this.origin;
    }
  }

  private async resolve(steps: Step[]): Promise<unknown> {
    const leaf = steps[steps.length - 1]!;
    const object = steps.slice(0, -1);
    if (leaf.field === "id") return this.register(object);
    if (OBJECT_LIST_FIELDS.has(object[object.length - 1]?.field ?? "")) return [];
    const call = answerFunctionCall(this.functionCall, object, leaf);
    if (call) return call.value;

    const host = hostTarget(object);
    if (host) {
      const confine = this.options.hostRoot;
      if (confine !== undefined && !isInside(confine, host.root)) throw new Error(`${host.root}: outside the host directory ${confine}`);
      const read = readHost(host, leaf);
      if (read && "error" in read) throw new Error(read.error);
      if (read) return read.value;
    }
    if (leaf.field === "start") return this.startService(object);
    const last = await this.evaluate(steps);
    return this.leafValue(object, leaf, last);
  }

  /**
   * Service.start: the engine runs the service's command (asService args) until its health check
   * passes; one that exits first fails with an exec error carrying its output. Here execOutcome
   * decides how its command ends (a non-zero exit: it never got ready), with no wave of its own.
   */
  private async startService(service: Step[]): Promise<string> {
    await this.evaluate(service);
    const asService = [...service].reverse().find((s) => s.field === "asService");
    const args = ((asService?.args["args"] as ArgValue[] | undefined) ?? []).map(String);
    const outcome = this.options.execOutcome?.(args) ?? { exitCode: 0 };
    if (outcome.exitCode !== 0) throw new ExecFailure({ args, wave: 0, outcome, failed: true });
    return this.register(service);
  }

  /** The chain an ID stands for (what the module built, e.g. the module typedef a registration returns). */
  chainOf(id: string): Step[] | undefined {
    return this.ids.get(id);
  }

  /** The ID of a chain, as the SDK would get it (to hand a module an object, like its parent's state). */
  idOf(steps: Step[]): string {
    return this.register(steps);
  }

  private register(steps: Step[]): string {
    const typeName = steps[steps.length - 1]?.field ?? "query";
    const id = `rec:${typeName}:${createHash("sha256").update(JSON.stringify(steps)).digest("hex").slice(0, 16)}`;
    this.ids.set(id, steps);
    return id;
  }

  private leafValue(object: Step[], leaf: Step, last: ExecResult | undefined): unknown {
    switch (leaf.field) {
      case "sync":
      case "stop":
        return this.register(object);
      case "stdout":
        return last?.outcome.stdout ?? "";
      case "stderr":
        return last?.outcome.stderr ?? "";
      case "combinedOutput":
        return (last?.outcome.stdout ?? "") + (last?.outcome.stderr ?? "");
      case "exitCode":
        return last?.outcome.exitCode ?? 0;
      case "export":
        return argText(leaf.args["path"] ?? "");
      case "publish":
        return `${argText(leaf.args["address"])}@sha256:${createHash("sha256").update(JSON.stringify(object)).digest("hex")}`;
      case "contents": {
        // Without a hook every file reads as empty (plan mode); with one, `undefined` means absent.
        const hook = this.options.fileContents;
        if (!hook) return "";
        const path = filePathOf(object);
        const text = hook(path, object);
        if (text === undefined) throw new Error(`open ${path}: no such file or directory`);
        return text;
      }
      case "entries":
      case "glob":
        return [];
      case "exists":
        return false;
      case "version":
        return `v${pinnedDaggerVersion()}`;
      case "name":
        return argText(object[object.length - 1]?.args["path"] ?? "");
      case "digest":
        return `sha256:${createHash("sha256").update(JSON.stringify(object)).digest("hex")}`;
      case "plaintext":
        throw new Error("the recording engine never reveals secret values");
      default:
        return null;
    }
  }

  /**
   * Runs every exec the chain depends on (referenced chains first), once per
   * distinct chain prefix: like the engine's cache, a shared prefix is
   * evaluated a single time even when requested concurrently.
   */
  private async evaluate(steps: readonly Step[]): Promise<ExecResult | undefined> {
    let last: ExecResult | undefined;
    for (let i = 0; i < steps.length; i++) {
      for (const ref of refsIn(steps[i]!.args)) await this.evaluate(ref.$chain);
      if (steps[i]!.field !== "withExec") continue;
      const prefix = steps.slice(0, i + 1);
      const key = JSON.stringify(prefix);
      let run = this.execs.get(key);
      if (!run) {
        run = this.runExec(steps[i]!);
        this.execs.set(key, run);
      }
      last = await run;
      if (last.failed) throw new ExecFailure(last);
    }
    return last;
  }

  private async runExec(step: Step): Promise<ExecResult> {
    const args = (step.args["args"] as string[]).map(String);
    const latency = this.options.execLatencyMs;
    let wave = 0;
    if (latency === undefined) wave = await this.waves.next();
    else {
      const ms = typeof latency === "function" ? latency(args) : latency;
      if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
    }
    const outcome = this.options.execOutcome?.(args) ?? { exitCode: 0 };
    const expect = step.args["expect"] ?? "SUCCESS";
    const failed =
      (expect === "SUCCESS" && outcome.exitCode !== 0) || (expect === "FAILURE" && outcome.exitCode === 0);
    return { args, wave, outcome, failed };
  }
}

class ExecFailure extends Error {
  constructor(readonly result: ExecResult) {
    super(`process "${result.args.join(" ")}" did not complete successfully: exit code: ${result.outcome.exitCode}`);
  }
}

function toGraphQLError(failure: ExecFailure | Error, path: string[]): unknown {
  if (!(failure instanceof ExecFailure)) return { message: failure.message, path };
  const { args, outcome } = failure.result;
  return {
    message: failure.message,
    path,
    extensions: {
      _type: "EXEC_ERROR",
      cmd: args,
      exitCode: outcome.exitCode,
      stdout: outcome.stdout ?? "",
      stderr: outcome.stderr ?? "",
    },
  };
}

/** `node(id:)` continues the chain that made the id. */
function expandNode(steps: Step[]): Step[] {
  const first = steps[0];
  if (first?.field === "node" && isChainRef(first.args["id"])) {
    return [...first.args["id"].$chain, ...steps.slice(1)];
  }
  return steps;
}

function refsIn(args: Record<string, ArgValue>): { $chain: Step[] }[] {
  const found: { $chain: Step[] }[] = [];
  const visit = (value: ArgValue) => {
    if (isChainRef(value)) found.push(value);
    else if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === "object") Object.values(value).forEach(visit);
  };
  Object.values(args).forEach(visit);
  return found;
}

function execArgsOf(steps: readonly Step[]): string[] {
  return (steps[steps.length - 1]!.args["args"] as string[]).map(String);
}

/** The absolute path a chain's last `file(...)` step reads, following workdir and `directory(...)` steps. */
function filePathOf(steps: readonly Step[]): string {
  let workdir = "/";
  let base: string | undefined;
  let file = "";
  for (const step of steps) {
    const path = argText(step.args["path"] ?? "");
    if (step.field === "withWorkdir") workdir = posix.resolve(workdir, path);
    else if (step.field === "directory") base = posix.resolve(base ?? workdir, path);
    else if (step.field === "file") file = posix.resolve(base ?? workdir, path);
  }
  return file;
}

function nest(path: readonly string[], value: unknown): unknown {
  return path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);
}
