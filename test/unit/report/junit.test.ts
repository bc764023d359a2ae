import { describe, expect, it } from "vitest";
import { parseJUnit, toJUnitXml } from "../../../pipeline/modules/report/junit.js";
import type { TestSuiteResult } from "../../../pipeline/modules/report/model.js";
import { XmlError } from "../../../pipeline/modules/report/xml.js";
import { describeFixtures, readFixture } from "../../helpers/fixtures.js";

const tally = (suites: TestSuiteResult[]) => {
  const all = suites.flatMap((s) => s.tests);
  const n = (status: string) => all.filter((t) => t.status === status).length;
  return [all.length, n("passed"), n("failed"), n("skipped")];
};
const find = (suites: TestSuiteResult[], name: string) => suites.flatMap((s) => s.tests).find((t) => t.name === name)!;

describeFixtures("parseJUnit on real reports", () => {
  // [total, passed, failed, skipped], counted by hand from each file's <testcase> elements.
  it.each([
    ["junit/go-junit-report-pass-fail-skip.xml", [5, 2, 1, 2], 3],
    ["junit/go-junit-report-race.xml", [1, 0, 1, 0], 1],
    ["junit/gotestsum-attributes.xml", [1, 1, 0, 0], 1],
    ["junit/gotestsum-go.xml", [60, 42, 13, 5], 5],
    ["go/gotestsum-junit.xml", [6, 4, 1, 1], 2],
    ["node/jest-junit.xml", [5, 3, 1, 1], 1],
    ["node/node-test-junit-fail.xml", [5, 2, 1, 2], 2],
    ["node/node-test-junit-pass.xml", [5, 2, 0, 3], 2],
    ["python/pytest-fail.junit.xml", [6, 3, 2, 1], 1],
    ["python/pytest-pass.junit.xml", [6, 3, 0, 3], 1],
  ] as const)("%s: tests/passed/failed/skipped = %j", (path, expected, suiteCount) => {
    const suites = parseJUnit(readFixture(path));
    expect(tally(suites)).toEqual(expected);
    expect(suites).toHaveLength(suiteCount);
  });

  it("counts cases, not jest-junit's tests attribute (4 for 5 cases: the todo test is a plain testcase)", () => {
    expect(readFixture("node/jest-junit.xml")).toContain('tests="4"');
    const suites = parseJUnit(readFixture("node/jest-junit.xml"));
    expect(find(suites, "clamp todo item").status).toBe("passed");
    expect(find(suites, "clamp fails on purpose when FAILDEMO=1").failureMessage).toMatch(/^Error: expect\(received\)\.toBe\(expected\)/);
  });

  it("puts node --test's top-level test case in a root suite and reads its failure", () => {
    const suites = parseJUnit(readFixture("node/node-test-junit-fail.xml"));
    expect(suites.map((s) => s.name)).toEqual(["math", "(root)"]);
    const failing = find(suites, "fails on purpose when FAILDEMO=1");
    expect(failing.status).toBe("failed");
    expect(failing.failureMessage).toContain("10 !== 15");
    expect(find(suites, "skipped on purpose").skipMessage).toBe("not today");
  });

  it("reads CDATA failure text and system-out (go-junit-report)", () => {
    const suites = parseJUnit(readFixture("junit/go-junit-report-pass-fail-skip.xml"));
    expect(find(suites, "TestOne").failureMessage).toBe("fail_test.go:6: Error message\n    fail_test.go:7: Longer\n        error\n        message.");
    expect(find(suites, "TestPassLog").output).toContain("multi\n        line");
    expect(suites[0]!.durationSeconds).toBe(0.16);
  });

  it("reads pytest's hypothesis failure with its falsifying example", () => {
    const suites = parseJUnit(readFixture("python/pytest-fail.junit.xml"));
    const failing = find(suites, "test_clamp_property_is_false");
    expect(failing.classname).toBe("tests.test_fail_demo");
    expect(failing.failureMessage).toContain("Falsifying example: test_clamp_property_is_false(");
    expect(failing.durationSeconds).toBe(0.104);
  });

  it("round-trips every fixture through toJUnitXml with the same cases", () => {
    for (const path of ["junit/gotestsum-go.xml", "node/jest-junit.xml", "python/pytest-fail.junit.xml", "node/node-test-junit-fail.xml"]) {
      const suites = parseJUnit(readFixture(path));
      const again = parseJUnit(toJUnitXml(suites));
      const shape = (s: TestSuiteResult[]) => s.flatMap((x) => x.tests.map((t) => [t.name, t.classname, t.status, t.failureMessage]));
      expect(shape(again), path).toEqual(shape(suites));
    }
  });
});

describe("toJUnitXml", () => {
  const suites: TestSuiteResult[] = [
    {
      name: "example.com/p",
      durationSeconds: 1.5,
      coveragePercent: 66.7,
      tests: [
        { name: "TestOk", classname: "example.com/p", durationSeconds: 0.25, status: "passed" },
        { name: "TestBad", classname: "example.com/p", durationSeconds: 0, status: "failed", failureMessage: 'got <nil> & "x"\n\u001b[31mwant\u001b[0m \u0001' },
        { name: "TestSkip", classname: "example.com/p", durationSeconds: 0, status: "skipped", skipMessage: "later" },
      ],
    },
    { name: "example.com/broken", durationSeconds: 0, tests: [], failedBuild: "x.go:1:1: undefined: y", output: "# example.com/broken\nx.go:1:1: undefined: y" },
  ];

  it("writes suites, cases, failures, skips and escapes what XML cannot carry", () => {
    expect(toJUnitXml(suites)).toMatchInlineSnapshot(`
      "<?xml version="1.0" encoding="UTF-8"?>
      <testsuites tests="4" failures="1" skipped="1" errors="1" time="1.500">
      	<testsuite name="example.com/p" tests="3" failures="1" skipped="1" errors="0" time="1.500">
      		<properties><property name="coverage.percent" value="66.7"/></properties>
      		<testcase name="TestOk" classname="example.com/p" time="0.250"/>
      		<testcase name="TestBad" classname="example.com/p" time="0.000">
      			<failure message="got &lt;nil&gt; &amp; &quot;x&quot;" type="failure">got &lt;nil&gt; &amp; "x"
      want �</failure>
      		</testcase>
      		<testcase name="TestSkip" classname="example.com/p" time="0.000">
      			<skipped message="later"/>
      		</testcase>
      	</testsuite>
      	<testsuite name="example.com/broken" tests="1" failures="0" skipped="0" errors="1" time="0.000">
      		<testcase name="[build failed]" classname="example.com/broken" time="0.000">
      			<error message="x.go:1:1: undefined: y" type="build"># example.com/broken
      x.go:1:1: undefined: y</error>
      		</testcase>
      	</testsuite>
      </testsuites>
      "
    `);
  });

  it("reads its own output back, counting the build failure as a failed case", () => {
    const again = parseJUnit(toJUnitXml(suites));
    expect(tally(again)).toEqual([4, 1, 2, 1]);
    expect(again[0]!.tests[1]!.failureMessage).toBe('got <nil> & "x"\nwant \uFFFD');
  });
});

describe("parseJUnit errors", () => {
  it("names the unexpected root element", () => {
    expect(() => parseJUnit("<coverage/>")).toThrow("not a JUnit report: the root element is <coverage>, expected <testsuites> or <testsuite>");
  });

  it("rejects text that is not XML", () => {
    expect(() => parseJUnit("FAIL example.com/p")).toThrow(XmlError);
  });

  it("accepts a bare <testsuite> root", () => {
    expect(tally(parseJUnit('<testsuite name="s"><testcase name="a"/><testcase name="b"><error message="boom"/></testcase></testsuite>'))).toEqual([2, 1, 1, 0]);
  });
});
