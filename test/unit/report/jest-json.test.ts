import { describe, expect, it } from "vitest";
import { parseJestJson } from "../../../pipeline/modules/report/jest-json.js";
import { parseJUnit, toJUnitXml } from "../../../pipeline/modules/report/junit.js";
import { describeFixtures, readFixture } from "../../helpers/fixtures.js";

describeFixtures("parseJestJson (node/jest-results.json)", () => {
  it("reads every case with jest's statuses, as jest-junit saw the same run", () => {
    const [suite, ...rest] = parseJestJson(readFixture("node/jest-results.json"), "/src/nodesample");
    expect(rest).toEqual([]);
    expect(suite!.name).toBe("jestdemo/clamp.test.js");
    expect(suite!.tests.map((t) => [t.name, t.status])).toEqual([
      ["clamp keeps values in range", "passed"],
      ["clamp raises low values", "passed"],
      ["clamp skipped on purpose", "skipped"],
      ["clamp todo item", "skipped"],
      ["clamp fails on purpose when FAILDEMO=1", "failed"],
    ]);
    expect(suite!.tests[4]!.failureMessage).toMatch(/^Error: expect\(received\)\.toBe\(expected\)[\s\S]*Expected: 15\nReceived: 10/);
    expect(suite!.tests.filter((t) => t.status !== "failed").map((t) => t.failureMessage)).toEqual([undefined, undefined, undefined, undefined]);
    expect(suite!.tests.map((t) => t.skipMessage)).toEqual([undefined, undefined, undefined, "todo", undefined]);
    expect(suite!.failedBuild).toBeUndefined();
    // The same run's jest-junit report has the same cases, failures and times (it writes the todo as a plain, passing case).
    const [junitSuite] = parseJUnit(readFixture("node/jest-junit.xml"));
    expect(junitSuite!.tests).toHaveLength(suite!.tests.length);
    expect(junitSuite!.tests.filter((t) => t.status === "failed").map((t) => t.name)).toEqual(["clamp fails on purpose when FAILDEMO=1"]);
    expect(suite!.tests.map((t) => t.durationSeconds)).toEqual(junitSuite!.tests.map((t) => t.durationSeconds));
    expect(suite!.durationSeconds).toBeCloseTo(junitSuite!.durationSeconds, 9);
  });
});

it("turns a test file that failed before any test ran into a suite that did not build", () => {
  const report = { testResults: [{ name: "/src/test/a.test.js", status: "failed", message: "  ● Test suite failed to run\n\n    SyntaxError: Unexpected token (3:4)\n", assertionResults: [] }] };
  const [suite] = parseJestJson(JSON.stringify(report), "/src");
  expect(suite).toMatchObject({ name: "test/a.test.js", tests: [], failedBuild: "● Test suite failed to run" });
  expect(toJUnitXml([suite!])).toContain("SyntaxError: Unexpected token (3:4)");
  expect(() => parseJestJson("{}", "/src")).toThrow("not a Jest JSON report: no `testResults` array");
});

const fileResult = (fields: Record<string, unknown>) => JSON.stringify({ testResults: [{ name: "/src/a.test.js", status: "passed", assertionResults: [], ...fields }] });
const assertion = (fields: Record<string, unknown>) => fileResult({ assertionResults: [{ fullName: "a works", status: "passed", failureMessages: [], ...fields }] });
const onlyCase = (text: string) => parseJestJson(text, "/src")[0]!.tests[0]!;

describe("parseJestJson on Jest's result fields", () => {
  it("rejects text that is not a Jest report in one line, never with a TypeError", () => {
    const jsonError = (() => {
      try {
        JSON.parse("<testsuites/>");
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(() => parseJestJson("<testsuites/>", "/src")).toThrow(`not a Jest JSON report: ${jsonError}`);
    expect(() => parseJestJson("null", "/src")).toThrow("not a Jest JSON report: no `testResults` array");
  });

  it("shows file paths relative to the root, with or without its trailing slash, and keeps others as written", () => {
    const report = JSON.stringify({ testResults: [{ name: "/src/a/b.test.js" }, { name: "/elsewhere/c.test.js" }, {}] });
    expect(parseJestJson(report, "/src/").map((s) => s.name)).toEqual(["a/b.test.js", "/elsewhere/c.test.js", "?"]);
  });

  it.each([
    ["passed", "passed"],
    ["failed", "failed"],
    ["pending", "skipped"],
    ["skipped", "skipped"],
    ["todo", "skipped"],
    ["disabled", "skipped"],
    ["focused", "failed"],
    ["constructor", "failed"],
  ])("maps Jest's status %s to %s (a status Jest does not document fails)", (jest, ours) => {
    expect(onlyCase(assertion({ status: jest })).status).toBe(ours);
  });

  it("gives every case a name, as JUnit's testcase@name requires, and the title when there is no full name", () => {
    expect(onlyCase(assertion({ fullName: undefined, title: "works" })).name).toBe("works");
    expect(onlyCase(assertion({ fullName: undefined })).name).not.toBe("");
  });

  it("converts Jest's milliseconds to seconds, and a missing duration or time to 0", () => {
    expect(onlyCase(assertion({ duration: 1500 })).durationSeconds).toBe(1.5);
    expect(onlyCase(assertion({ duration: null })).durationSeconds).toBe(0);
    expect(parseJestJson(fileResult({ startTime: 1000, endTime: 3500 }), "/src")[0]!.durationSeconds).toBe(2.5);
    expect(parseJestJson(fileResult({ startTime: 1000 }), "/src")[0]!.durationSeconds).toBe(0);
    expect(parseJestJson(fileResult({ endTime: 3500 }), "/src")[0]!.durationSeconds).toBe(0);
  });

  it("joins a failure's messages line by line, and says Failed when Jest gives none", () => {
    expect(onlyCase(assertion({ status: "failed", failureMessages: ["Error: one", "Error: two"] })).failureMessage!.split("\n")).toEqual(["Error: one", "Error: two"]);
    expect(onlyCase(assertion({ status: "failed", failureMessages: [] })).failureMessage).toBe("Failed");
    expect(onlyCase(assertion({ status: "failed", failureMessages: undefined })).failureMessage).toBe("Failed");
  });

  it("has no cases for a file result without assertion results", () => {
    expect(parseJestJson(fileResult({ assertionResults: undefined }), "/src")[0]!.tests).toEqual([]);
  });

  it("takes only a failed file without any test for a suite that did not build", () => {
    const [failedTest] = parseJestJson(fileResult({ status: "failed", message: "  ● a › b\n\n    Error", assertionResults: [{ fullName: "a b", status: "failed" }] }), "/src");
    expect(failedTest!.failedBuild).toBeUndefined();
    const [empty] = parseJestJson(fileResult({ status: "passed", assertionResults: [] }), "/src");
    expect(empty!.failedBuild).toBeUndefined();
  });

  it("summarizes a file that did not build by its first line, so the JUnit report shows it as an error", () => {
    const [suite] = parseJestJson(fileResult({ status: "failed", message: "\n  ● Test suite failed to run   \n\n    Cannot find module './x'\n\n" }), "/src");
    expect(suite).toMatchObject({ failedBuild: "● Test suite failed to run", output: "● Test suite failed to run   \n\n    Cannot find module './x'" });
    for (const message of [undefined, "", " \n "]) {
      const [silent] = parseJestJson(fileResult({ status: "failed", message }), "/src");
      expect(silent).toMatchObject({ failedBuild: "the test file failed to run", tests: [] });
      expect(silent!.output).toBeUndefined();
      expect(parseJUnit(toJUnitXml([silent!]))[0]!.tests.map((t) => [t.status, t.failureMessage])).toEqual([["failed", "the test file failed to run"]]);
    }
  });
});
