import type { TestSuiteResult } from "./model.js";
import { toSuite, type CaseState, type PackageState } from "./go-test-suite.js";

export type { TestCaseResult, TestSuiteResult } from "./model.js";

/**
 * `go test -json` (test2json) streams into one suite per package. Go's own
 * events are trusted first, then the output is read for what the events
 * miss: a panic or a data race that ends the binary after a test passed, a
 * TestMain that exits non-zero, a package that never built.
 */

interface GoTestEvent {
  Action?: string;
  Package?: string;
  Test?: string;
  Output?: string;
  Elapsed?: number;
  ImportPath?: string;
  FailedBuild?: string;
}

/**
 * Parses a whole `go test -json` stream, with stderr appended. Lines that are
 * not JSON events (Go < 1.24's build errors on stderr and `FAIL <pkg> [build
 * failed]` lines on stdout, `go: downloading` notes) are kept aside to
 * explain build failures, never rejected.
 */
export function parseGoTestJson(stream: string): TestSuiteResult[] {
  const packages = new Map<string, PackageState>();
  const buildOutput = new Map<string, string>();
  const loose: string[] = [];
  const pkg = (name: string) => {
    let state = packages.get(name);
    if (!state) packages.set(name, (state = { name, output: "", cases: [], running: new Map(), elapsed: 0 }));
    return state;
  };
  for (const line of stream.split("\n")) {
    const event = parseEvent(line);
    if (!event) {
      loose.push(line);
      continue;
    }
    // Go 1.24+ build events (build-output, then build-fail) name the package by ImportPath, never by Package.
    if (event.ImportPath) {
      buildOutput.set(event.ImportPath, (buildOutput.get(event.ImportPath) ?? "") + (event.Output ?? ""));
      continue;
    }
    if (!event.Package) continue;
    const state = pkg(event.Package);
    const test = event.Test ? caseOf(state, event.Test, event.Action === "run") : undefined;
    switch (event.Action) {
      case "output":
        (test ?? state).output += event.Output ?? "";
        break;
      case "pass":
      case "bench": // a benchmark that logged (b.Log) and did not fail
      case "fail":
      case "skip":
        if (test) {
          test.action = event.Action;
          test.elapsed = event.Elapsed ?? 0;
        } else {
          state.action = event.Action;
          state.elapsed = event.Elapsed ?? 0;
          state.failedBuild = event.FailedBuild;
        }
        break;
      // start, run, pause, cont, attr (Go 1.25 t.Attr): nothing to record.
    }
  }
  // Go < 1.24 sends no event for a package that never built: only a plain `FAIL <pkg> [build failed]` line.
  for (const line of loose) {
    const failed = LOOSE_BUILD_FAIL.exec(line);
    if (!failed || packages.has(failed[1]!)) continue;
    pkg(failed[1]!).output = line; // the "[build failed]" in it makes the suite one that did not build
  }
  return [...packages.values()].map((state) => toSuite(state, buildOutput, loose));
}

const LOOSE_BUILD_FAIL = /^FAIL\t(\S+) \[(?:build|setup) failed\]$/;

/** Every test2json and `go build -json` event has an Action; other lines, JSON or not, are not events. */
function parseEvent(line: string): GoTestEvent | undefined {
  try {
    const value = Object(JSON.parse(line)) as GoTestEvent; // null or a number: an object without an Action
    if (typeof value.Action === "string") return value;
  } catch {
    // not JSON: a compiler error or a note of the go command
  }
  return undefined;
}

/** A `run` event for a test that already finished starts a new case (`-count=N` runs each test N times). */
function caseOf(state: PackageState, name: string, starting: boolean): CaseState {
  const current = state.running.get(name);
  if (current && !(starting && current.action)) return current;
  const created: CaseState = { name, output: "", elapsed: 0 };
  state.cases.push(created);
  state.running.set(name, created);
  return created;
}
