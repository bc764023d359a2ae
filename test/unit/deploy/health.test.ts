import { describe, expect, it } from "vitest";
import { DEFAULT_EXPECT_STATUS, nextHealthStep, observeHttp, observeServiceProxy, waitBefore, waitSchedule, type HealthPolicy, type Observation } from "../../../pipeline/modules/deploy/health.js";

const policy: HealthPolicy = { attempts: 5, initialDelayMs: 1000, intervalMs: 2000, backoffFactor: 2, maxIntervalMs: 10_000, deadlineMs: 60_000, successThreshold: 1 };
const ok = (status = 200): Observation => ({ healthy: true, detail: `HTTP ${status}` });
const bad = (status = 503): Observation => ({ healthy: false, detail: `HTTP ${status}` });

/** Plays a check to its end: each probe answers the next observation, the clock moving by each wait. */
function play(p: HealthPolicy, answers: Observation[], probeMs = 0) {
  const history: Observation[] = [];
  const waits: number[] = [];
  let elapsed = 0;
  for (;;) {
    const step = nextHealthStep(p, history, elapsed);
    if (step.kind !== "probe") return { step, waits, history };
    waits.push(step.waitMs);
    elapsed += step.waitMs + probeMs;
    history.push(answers[Math.min(history.length, answers.length - 1)]!);
  }
}

describe("health check decisions", () => {
  it("waits the initial delay, then backs off exponentially up to the cap", () => {
    expect(waitSchedule(policy)).toEqual([1000, 2000, 4000, 8000, 10_000]);
    expect(waitBefore({ ...policy, backoffFactor: 1 }, 4)).toBe(2000);
  });

  it("is healthy on the first healthy answer", () => {
    const { step, waits } = play(policy, [ok()]);
    expect(step).toEqual({ kind: "healthy", detail: "HTTP 200 on attempt 1" });
    expect(waits).toEqual([1000]);
  });

  it("5xx then 200 within the retries is healthy", () => {
    const { step, history } = play(policy, [bad(503), bad(502), ok()]);
    expect(step).toEqual({ kind: "healthy", detail: "HTTP 200 on attempt 3" });
    expect(history).toHaveLength(3);
  });

  it("never healthy: gives up after the attempts, naming the last answer", () => {
    const { step, history } = play(policy, [bad(500)]);
    expect(step).toEqual({ kind: "unhealthy", reason: "never healthy: 5 attempts; last: HTTP 500" });
    expect(history).toHaveLength(5);
  });

  it("times out when the next probe would start after the deadline, before the attempts run out", () => {
    // Probes taking 10s each: 1+10, 2+10, 4+10 = 37s; the next (8s wait) would start at 45s, past a 40s deadline.
    const { step, history } = play({ ...policy, deadlineMs: 40_000 }, [bad(503)], 10_000);
    expect(step).toEqual({ kind: "unhealthy", reason: "timed out: not healthy within 40s (3 attempts; last: HTTP 503)" });
    expect(history).toHaveLength(3);
  });

  it("a probe's own timeout is an unhealthy answer, and the check goes on", () => {
    const timedOut = observeHttp({ exitCode: 28, stdout: "000", stderr: "curl: (28) Operation timed out after 5001 milliseconds" }, DEFAULT_EXPECT_STATUS, 5000);
    expect(timedOut).toEqual({ healthy: false, detail: "timed out after 5s" });
    expect(play(policy, [timedOut, ok()]).step).toEqual({ kind: "healthy", detail: "HTTP 200 on attempt 2" });
  });

  it("needs successThreshold healthy answers in a row", () => {
    const p = { ...policy, successThreshold: 2 };
    expect(play(p, [ok(), bad(), ok(), ok()]).step).toEqual({ kind: "healthy", detail: "HTTP 200 on attempt 4, 2 in a row" });
    expect(play({ ...p, attempts: 3 }, [ok(), bad(), ok()]).step).toEqual({ kind: "unhealthy", reason: "never healthy: 3 attempts, 2 healthy but not 2 in a row; last: HTTP 200" });
  });
});

describe("reading a probe", () => {
  it("reads curl's status code against the expected ones (default 2xx)", () => {
    expect(observeHttp({ exitCode: 0, stdout: "204", stderr: "" })).toEqual({ healthy: true, detail: "HTTP 204" });
    expect(observeHttp({ exitCode: 0, stdout: "301", stderr: "" })).toEqual({ healthy: false, detail: "HTTP 301" });
    expect(observeHttp({ exitCode: 0, stdout: "301", stderr: "" }, [200, 301])).toEqual({ healthy: true, detail: "HTTP 301" });
    expect(observeHttp({ exitCode: 0, stdout: "", stderr: "" }).healthy).toBe(false);
  });

  it("names curl's transport failures", () => {
    expect(observeHttp({ exitCode: 7, stdout: "000", stderr: "curl: (7) Failed to connect" }).detail).toBe("connection refused (curl exit 7)");
    expect(observeHttp({ exitCode: 6, stdout: "000", stderr: "" }).detail).toBe("could not resolve the host (curl exit 6)");
    expect(observeHttp({ exitCode: 3, stdout: "", stderr: "curl: (3) URL rejected\n" }).detail).toBe("curl exit 3: curl: (3) URL rejected");
  });

  it("through the service proxy: any answer is healthy, an error says why not", () => {
    expect(observeServiceProxy({ exitCode: 0, stdout: "ok", stderr: "" }).healthy).toBe(true);
    expect(observeServiceProxy({ exitCode: 1, stdout: "", stderr: 'Error from server (ServiceUnavailable): no endpoints available for service "go-service"\n' })).toEqual({
      healthy: false,
      detail: 'Error from server (ServiceUnavailable): no endpoints available for service "go-service"',
    });
  });
});
