import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dag, ExecError, ReturnType } from "@dagger.io/dagger";
import { describe, expect, it } from "vitest";
import { RecordingEngine } from "../../cli/recording-engine/engine.js";
import { recordRun } from "../../cli/recording-engine/run.js";

function tempTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "rec-engine-"));
  for (const [path, contents] of Object.entries(files)) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), contents);
  }
  return root;
}

async function must<T>(run: Promise<{ result?: T; error?: unknown; engine: RecordingEngine }>) {
  const outcome = await run;
  if (outcome.error instanceof Error) throw outcome.error;
  expect(outcome.error).toBeUndefined();
  return outcome as { result: T; engine: RecordingEngine };
}

describe("recording engine", () => {
  it("records each call's chain with ID arguments expanded into the chains that made them", async () => {
    const { engine } = await must(
      recordRun(async () => {
        const src = dag.host().directory("/repo");
        await dag
          .container()
          .from("golang:1.23.4-bookworm")
          .withMountedCache("/go/pkg/mod", dag.cacheVolume("go-mod"))
          .withDirectory("/src", src, { include: ["go.mod"] })
          .withExec(["go", "mod", "download"])
          .sync();
      }),
    );
    const forced = engine.records.filter((r) => r.leaf === "sync");
    expect(forced).toHaveLength(1);
    const steps = forced[0]!.steps;
    expect(steps.map((s) => s.field)).toEqual(["container", "from", "withMountedCache", "withDirectory", "withExec", "sync"]);
    expect(steps[2]!.args["cache"]).toEqual({ $chain: [{ field: "cacheVolume", args: { key: "go-mod" } }] });
    expect(steps[3]!.args).toEqual({
      path: "/src",
      source: { $chain: [{ field: "host", args: {} }, { field: "directory", args: { path: "/repo" } }] },
      include: ["go.mod"],
    });
    expect(steps[4]!.args["args"]).toEqual(["go", "mod", "download"]);
  });

  it("answers leaves with sensible values: ids, stdout, exit codes, exports and publish digests", async () => {
    const { result } = await must(
      recordRun(
        async () => {
          const ctr = dag.container().from("alpine:3.20").withExec(["echo", "hi"]);
          return Promise.all([
            ctr.id(),
            ctr.stdout(),
            ctr.exitCode(),
            ctr.directory("/out").export("/tmp/out"),
            ctr.publish("registry.example.com/app:1.0.0"),
          ]);
        },
        { execOutcome: (args) => (args[0] === "echo" ? { exitCode: 0, stdout: "hi\n" } : undefined) },
      ),
    );
    const [id, stdout, exitCode, exported, published] = result;
    expect(id).toMatch(/^rec:/);
    expect(stdout).toBe("hi\n");
    expect(exitCode).toBe(0);
    expect(exported).toBe("/tmp/out");
    expect(published).toMatch(/^registry\.example\.com\/app:1\.0\.0@sha256:[0-9a-f]{64}$/);
  });

  it("answers reads of host directories from the real filesystem", async () => {
    const root = tempTree({ "pipeline.yaml": "language: go\n", "go.mod": "module x\n", "cmd/api/main.go": "package main\n" });
    const { result } = await must(
      recordRun(async () => {
        const src = dag.host().directory(root);
        return Promise.all([
          src.entries(),
          src.file("pipeline.yaml").contents(),
          src.exists("go.mod"),
          src.exists("missing.txt"),
          src.glob("**/*.go"),
          src.directory("cmd").entries(),
        ]);
      }),
    );
    expect(result).toEqual([["cmd/", "go.mod", "pipeline.yaml"], "language: go\n", true, false, ["cmd/api/main.go"], ["api/"]]);
  });

  it("continues a chain through node(id:) after sync", async () => {
    const { engine, result } = await must(
      recordRun(
        async () => {
          const synced = await dag.container().from("alpine:3.20").withExec(["true"]).sync();
          return synced.withExec(["cat", "/etc/os-release"]).stdout();
        },
        { execOutcome: (args) => (args[0] === "cat" ? { exitCode: 0, stdout: "ID=alpine\n" } : undefined) },
      ),
    );
    expect(result).toBe("ID=alpine\n");
    const last = engine.records[engine.records.length - 1]!;
    expect(last.steps.map((s) => s.field)).toEqual(["container", "from", "withExec", "withExec", "stdout"]);
    expect(engine.executedCommands()).toEqual([["true"], ["cat", "/etc/os-release"]]);
  });

  it("injects exec failures: the SDK raises its ExecError, or returns the code with expect: ANY", async () => {
    const fail = { execOutcome: (args: readonly string[]) => (args[0] === "go" ? { exitCode: 2, stdout: "", stderr: "undefined: Foo" } : undefined) };
    const thrown = await recordRun(() => dag.container().from("golang:1.23.4-bookworm").withExec(["go", "build", "./..."]).sync(), fail);
    expect(thrown.error).toBeInstanceOf(ExecError);
    expect(thrown.error).toMatchObject({ exitCode: 2, stderr: "undefined: Foo", cmd: ["go", "build", "./..."] });

    const read = await must(
      recordRun(async () => {
        const ran = dag.container().from("golang:1.23.4-bookworm").withExec(["go", "vet"], { expect: ReturnType.Any });
        return Promise.all([ran.exitCode(), ran.stderr()]);
      }, fail),
    );
    expect(read.result).toEqual([2, "undefined: Foo"]);
  });

  it("simulates per-exec latency, evaluating a shared prefix once even when requested concurrently", async () => {
    const started = performance.now();
    const { engine } = await must(
      recordRun(
        async () => {
          const base = dag.container().from("alpine:3.20").withExec(["apk", "add", "git"]);
          await Promise.all([base.withExec(["a"]).sync(), base.withExec(["b"]).sync(), base.withExec(["c"]).sync()]);
        },
        { execLatencyMs: 60 },
      ),
    );
    // Each exec costs its latency: the shared install, then the three others.
    expect(performance.now() - started).toBeGreaterThanOrEqual(120);
    // ...and the three ran at once: every sync was in flight together.
    const syncs = engine.records.filter((r) => r.leaf === "sync");
    expect(Math.max(...syncs.map((r) => r.startedAt))).toBeLessThan(Math.min(...syncs.map((r) => r.endedAt)));
    expect(engine.executedCommands()).toEqual([["apk", "add", "git"], ["a"], ["b"], ["c"]]);
  });

  it("answers execs in waves: what was asked for together shares a wave, what needed an answer comes later", async () => {
    const { engine } = await must(
      recordRun(async () => {
        const base = dag.container().from("alpine:3.20").withExec(["apk", "add", "git"]);
        const dependent = async () => {
          const version = await base.withExec(["git", "--version"]).stdout();
          await base.withExec(["echo", version]).sync();
        };
        await Promise.all([base.withExec(["a"]).sync(), base.withExec(["b"]).sync(), dependent()]);
      }),
    );
    expect(await engine.executions()).toEqual([
      { args: ["apk", "add", "git"], wave: 1 },
      { args: ["a"], wave: 2 },
      { args: ["b"], wave: 2 },
      { args: ["git", "--version"], wave: 2 },
      { args: ["echo", ""], wave: 3 },
    ]);
    // Each call's epoch: the waves answered before it arrived.
    const epochs = engine.records.filter((r) => r.leaf === "sync" || r.leaf === "stdout").map((r) => r.epoch);
    expect(epochs).toEqual([0, 0, 0, 2]);
  });

  it("never records or reveals a secret's value", async () => {
    const outcome = await recordRun(async () => {
      const secret = dag.setSecret("registry-token", "hunter2-value");
      await dag.container().from("alpine:3.20").withSecretVariable("TOKEN", secret).withExec(["true"]).sync();
      return secret.plaintext();
    });
    expect(JSON.stringify(outcome.engine.records)).not.toContain("hunter2-value");
    expect(outcome.error).toBeDefined();
  });

  it("rejects a caller without the session token", async () => {
    const engine = await new RecordingEngine().start();
    try {
      const response = await fetch(`http://127.0.0.1:${engine.port}/query`, { method: "POST", body: "{}" });
      expect(response.status).toBe(401);
    } finally {
      await engine.close();
    }
  });
});
