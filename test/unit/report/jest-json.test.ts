import { expect, it } from "vitest";
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
    // The same run's jest-junit report has the same cases and failures (it writes the todo as a plain, passing case).
    const junit = parseJUnit(readFixture("node/jest-junit.xml")).flatMap((s) => s.tests);
    expect(junit).toHaveLength(suite!.tests.length);
    expect(junit.filter((t) => t.status === "failed").map((t) => t.name)).toEqual(["clamp fails on purpose when FAILDEMO=1"]);
  });
});

it("turns a test file that failed before any test ran into a suite that did not build", () => {
  const report = { testResults: [{ name: "/src/test/a.test.js", status: "failed", message: "  ● Test suite failed to run\n\n    SyntaxError: Unexpected token (3:4)\n", assertionResults: [] }] };
  const [suite] = parseJestJson(JSON.stringify(report), "/src");
  expect(suite).toMatchObject({ name: "test/a.test.js", tests: [], failedBuild: "● Test suite failed to run" });
  expect(toJUnitXml([suite!])).toContain("SyntaxError: Unexpected token (3:4)");
  expect(() => parseJestJson("{}", "/src")).toThrow("not a Jest JSON report: no `testResults` array");
});
