import { dag, ExecError, ReturnType } from "@dagger.io/dagger";
import { describe, expect, it } from "vitest";
import { recordRun } from "../../cli/recording-engine/run.js";
import { WaveScheduler } from "../../cli/recording-engine/waves.js";

/**
 * The engine's answers where a test double could drift from Dagger: an exec's
 * `expect` (SUCCESS: a non-zero exit fails it; FAILURE: a zero exit does; ANY:
 * neither), and a wave held open while a request is still being read.
 */

const outcomeOf = (exitCode: number) => ({ execOutcome: (argv: readonly string[]) => (argv[0] === "probe" ? { exitCode, stdout: "", stderr: `exit ${exitCode}` } : undefined) });
const probe = (expect: ReturnType) => dag.container().from("alpine:3.20").withExec(["probe"], { expect }).sync();

describe("an exec's expect", () => {
  it("FAILURE: an exit 0 fails the exec, with Dagger's exec error", async () => {
    const { error } = await recordRun(() => probe(ReturnType.Failure), outcomeOf(0));
    expect(error).toBeInstanceOf(ExecError);
    expect(error).toMatchObject({ exitCode: 0, cmd: ["probe"] });
  });

  it("FAILURE: a non-zero exit is what it expected, and its exit code reads back", async () => {
    const { error, result } = await recordRun(() => dag.container().from("alpine:3.20").withExec(["probe"], { expect: ReturnType.Failure }).exitCode(), outcomeOf(1));
    expect(error).toBeUndefined();
    expect(result).toBe(1);
  });

  it("SUCCESS (the default): a non-zero exit fails it, an exit 0 does not", async () => {
    expect((await recordRun(() => probe(ReturnType.Success), outcomeOf(3))).error).toMatchObject({ exitCode: 3, stderr: "exit 3" });
    expect((await recordRun(() => probe(ReturnType.Success), outcomeOf(0))).error).toBeUndefined();
  });

  it("ANY: neither fails it", async () => {
    expect((await recordRun(() => probe(ReturnType.Any), outcomeOf(0))).error).toBeUndefined();
    expect((await recordRun(() => probe(ReturnType.Any), outcomeOf(2))).error).toBeUndefined();
  });
});

/** Turns of the event loop, and at least `ms` of wall time: far past a wave's quiet period. */
async function idle(turns: number, ms: number): Promise<void> {
  const until = performance.now() + ms;
  for (let i = 0; i < turns || performance.now() < until; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe("WaveScheduler", () => {
  it("ends a wave after the quiet period, with the waves numbered from 1", async () => {
    const waves = new WaveScheduler(4, 1);
    expect(await waves.next()).toBe(1);
    expect(await waves.next()).toBe(2);
    expect(waves.epoch).toBe(2);
  });

  it("holds a wave open while a request is still being read, however quiet the loop, and ends it after", async () => {
    const waves = new WaveScheduler(4, 1);
    waves.begin();
    let answered: number | undefined;
    void waves.next().then((wave) => (answered = wave));
    await idle(200, 30);
    expect(answered).toBeUndefined();
    waves.end();
    await idle(200, 30);
    expect(answered).toBe(1);
  });

  it("holds it while any of two requests is being read", async () => {
    const waves = new WaveScheduler(4, 1);
    waves.begin();
    waves.begin();
    let answered: number | undefined;
    void waves.next().then((wave) => (answered = wave));
    waves.end();
    await idle(200, 30);
    expect(answered).toBeUndefined();
    waves.end();
    await idle(200, 30);
    expect(answered).toBe(1);
  });
});
