import { describe, expect, it } from "vitest";
import { parseJUnit, toJUnitXml } from "../../../pipeline/modules/report/junit.js";
import type { TestCaseResult, TestSuiteResult } from "../../../pipeline/modules/report/model.js";
import { childElements, parseXml, textContent, type XmlElement } from "../../../pipeline/modules/report/xml.js";

// The JUnit XML format as Jenkins' JUnit plugin, Maven Surefire's schema and GitLab's test reports read it:
// <testsuites> holds <testsuite name tests failures errors skipped time>, each holding <testcase name
// classname time>, whose one optional child <failure>, <error> or <skipped> (message attribute, details
// as text) gives the outcome; <system-out> holds what was printed, per case or per suite.

const passed = (name: string, extra: Partial<TestCaseResult> = {}): TestCaseResult => ({ name, classname: "pkg", durationSeconds: 0, status: "passed", ...extra });

/** The written XML, parsed, so assertions name elements and attributes instead of whitespace. */
const written = (suites: TestSuiteResult[]): XmlElement => parseXml(toJUnitXml(suites));
const only = (parent: XmlElement, name: string): XmlElement => {
  const found = childElements(parent, name);
  expect(found, `<${name}> under <${parent.name}>`).toHaveLength(1);
  return found[0]!;
};

describe("toJUnitXml writes what CI readers expect", () => {
  it("gives a failure without a message the message 'Failed' (Surefire's message attribute is never empty)", () => {
    const failure = only(only(only(written([{ name: "s", durationSeconds: 0, tests: [passed("t", { status: "failed" })] }]), "testsuite"), "testcase"), "failure");
    expect(failure.attributes).toEqual({ message: "Failed", type: "failure" });
    expect(textContent(failure)).toBe("Failed");
  });

  it("puts only the first line of a multi-line failure in the message attribute, the whole text in the body", () => {
    const failure = only(only(only(written([{ name: "s", durationSeconds: 0, tests: [passed("t", { status: "failed", failureMessage: "\n  expected 1\n  got 2\n" })] }]), "testsuite"), "testcase"), "failure");
    expect(failure.attributes.message).toBe("expected 1");
    expect(textContent(failure)).toBe("\n  expected 1\n  got 2\n");
  });

  it("gives a skip without a reason the message 'skipped', and a skip with one its reason", () => {
    const suite = only(written([{ name: "s", durationSeconds: 0, tests: [passed("a", { status: "skipped" }), passed("b", { status: "skipped", skipMessage: "needs docker" })] }]), "testsuite");
    const [a, b] = childElements(suite, "testcase");
    expect(only(a!, "skipped").attributes).toEqual({ message: "skipped" });
    expect(only(b!, "skipped").attributes).toEqual({ message: "needs docker" });
  });

  it("writes a case's output as its <system-out> and closes the case around it", () => {
    const testcase = only(only(written([{ name: "s", durationSeconds: 0, tests: [passed("t", { output: "hello\nworld" })] }]), "testsuite"), "testcase");
    expect(childElements(testcase).map((e) => e.name)).toEqual(["system-out"]);
    expect(textContent(only(testcase, "system-out"))).toBe("hello\nworld");
  });

  it("writes a passing case without output as an empty element", () => {
    expect(toJUnitXml([{ name: "s", durationSeconds: 0, tests: [passed("t")] }])).toContain('\t\t<testcase name="t" classname="pkg" time="0.000"/>\n');
  });

  it("writes a suite's output as the suite's <system-out>, after its cases", () => {
    const suite = only(written([{ name: "s", durationSeconds: 0, tests: [passed("t")], output: "TestMain: setup done" }]), "testsuite");
    expect(childElements(suite).map((e) => e.name)).toEqual(["testcase", "system-out"]);
    expect(textContent(only(suite, "system-out"))).toBe("TestMain: setup done");
  });

  it("writes a build failure's output only in its <error>, not again as <system-out>", () => {
    const suite = only(written([{ name: "s", durationSeconds: 0, tests: [], failedBuild: "x.go:1: undefined: y", output: "# s\nx.go:1: undefined: y" }]), "testsuite");
    expect(childElements(suite).map((e) => e.name)).toEqual(["testcase"]);
    expect(textContent(only(only(suite, "testcase"), "error"))).toBe("# s\nx.go:1: undefined: y");
  });

  it("uses the build error itself as the <error> text when the suite printed nothing", () => {
    const error = only(only(only(written([{ name: "s", durationSeconds: 0, tests: [], failedBuild: "cannot find package" }]), "testsuite"), "testcase"), "error");
    expect(error.attributes).toEqual({ message: "cannot find package", type: "build" });
    expect(textContent(error)).toBe("cannot find package");
  });

  it("sums the root counts and time over all suites, with seconds to the millisecond", () => {
    const root = written([
      { name: "a", durationSeconds: 1.25, tests: [passed("1"), passed("2", { status: "failed" }), passed("3", { status: "skipped" })] },
      { name: "b", durationSeconds: 0.0004, tests: [passed("4", { status: "failed" })], failedBuild: undefined },
      { name: "c", durationSeconds: 2, tests: [], failedBuild: "boom" },
    ]);
    expect(root.attributes).toEqual({ tests: "5", failures: "2", skipped: "1", errors: "1", time: "3.250" });
    expect(childElements(root, "testsuite").map((s) => s.attributes)).toEqual([
      { name: "a", tests: "3", failures: "1", skipped: "1", errors: "0", time: "1.250" },
      { name: "b", tests: "1", failures: "1", skipped: "0", errors: "0", time: "0.000" },
      { name: "c", tests: "1", failures: "0", skipped: "0", errors: "1", time: "2.000" },
    ]);
  });
});

describe("parseJUnit reads JUnit XML as Jenkins, Surefire and GitLab do", () => {
  const parse1 = (xml: string): TestSuiteResult => {
    const suites = parseJUnit(xml);
    expect(suites).toHaveLength(1);
    return suites[0]!;
  };
  const case1 = (testcase: string): TestCaseResult => parse1(`<testsuite name="s">${testcase}</testsuite>`).tests[0]!;

  it("takes the <failure> body as the message, the message attribute when the body is empty, else 'Failed'", () => {
    expect(case1('<testcase name="t"><failure message="short">  long trace\n</failure></testcase>').failureMessage).toBe("long trace");
    expect(case1('<testcase name="t"><failure message="short"> </failure></testcase>').failureMessage).toBe("short");
    expect(case1('<testcase name="t"><failure/></testcase>')).toMatchObject({ status: "failed", failureMessage: "Failed" });
  });

  it("counts <error> (an unexpected exception) as failed, as GitLab does", () => {
    expect(case1('<testcase name="t"><error message="NullPointerException"/></testcase>')).toMatchObject({ status: "failed", failureMessage: "NullPointerException" });
  });

  it("reads a failure attribute on the case itself as a failure", () => {
    const test = case1('<testcase name="t" failure="assert x == 1"/>');
    expect(test).toMatchObject({ status: "failed", failureMessage: "assert x == 1" });
  });

  it("prefers a failure child over a skipped child", () => {
    expect(case1('<testcase name="t"><skipped/><failure message="broke"/></testcase>').status).toBe("failed");
  });

  it("takes the skip reason from the message attribute, else the element's text, else none", () => {
    expect(case1('<testcase name="t"><skipped message="flaky">ignored</skipped></testcase>')).toMatchObject({ status: "skipped", skipMessage: "flaky" });
    expect(case1('<testcase name="t"><skipped> not on windows </skipped></testcase>')).toMatchObject({ status: "skipped", skipMessage: "not on windows" });
    const bare = case1('<testcase name="t"><skipped/></testcase>');
    expect(bare.status).toBe("skipped");
    expect(bare).not.toHaveProperty("skipMessage");
  });

  it("keeps an empty skip message attribute as no reason", () => {
    const test = case1('<testcase name="t"><skipped message=""/></testcase>');
    expect(test.status).toBe("skipped");
    expect(test).not.toHaveProperty("skipMessage");
  });

  it("reads a passing case with no children, and leaves its optional fields unset", () => {
    expect(case1('<testcase name="t" classname="c" time="0.5"/>')).toEqual({ name: "t", classname: "c", durationSeconds: 0.5, status: "passed" });
  });

  it("joins a case's <system-out> elements with newlines and trims the whole", () => {
    expect(case1('<testcase name="t"><system-out>\n first</system-out><system-out>second \n</system-out></testcase>').output).toBe("first\nsecond");
    expect(case1('<testcase name="t"><system-out>  \n </system-out></testcase>')).not.toHaveProperty("output");
  });

  it("joins a suite's own <system-out> elements the same way, apart from its cases' output", () => {
    const suite = parse1('<testsuite name="s"><testcase name="t"><system-out>case</system-out></testcase><system-out> a</system-out><system-out>b </system-out></testsuite>');
    expect(suite.output).toBe("a\nb");
    expect(suite.tests[0]!.output).toBe("case");
    expect(parse1('<testsuite name="s"><system-out> </system-out></testsuite>')).not.toHaveProperty("output");
  });

  it("defaults the classname to the suite's name, a missing name to empty, and a missing time to 0", () => {
    expect(case1("<testcase/>")).toEqual({ name: "", classname: "s", durationSeconds: 0, status: "passed" });
  });

  it("reads times with thousands separators, and ignores a time that is not a number", () => {
    expect(case1('<testcase name="t" time="1,234.5"/>').durationSeconds).toBe(1234.5);
    expect(case1('<testcase name="t" time="n/a"/>').durationSeconds).toBe(0);
  });

  it("takes the suite's time attribute, else the sum of its cases' times", () => {
    expect(parse1('<testsuite name="s" time="9"><testcase time="1"/><testcase time="2"/></testsuite>').durationSeconds).toBe(9);
    expect(parse1('<testsuite name="s"><testcase time="1"/><testcase time="2.5"/></testsuite>').durationSeconds).toBe(3.5);
    expect(parse1('<testsuite name="s" time="NaN"><testcase time="1"/><testcase time="2.5"/></testsuite>').durationSeconds).toBe(3.5);
  });

  it("flattens nested suites into their parent, with each case's classname from its own suite", () => {
    const suite = parse1('<testsuite name="outer"><testcase name="a"/><testsuite name="inner"><testcase name="b"/><testsuite name="deep"><testcase name="c"/></testsuite></testsuite></testsuite>');
    expect(suite.name).toBe("outer");
    expect(suite.tests.map((t) => [t.name, t.classname])).toEqual([["a", "outer"], ["b", "inner"], ["c", "deep"]]);
  });

  it("names an unnamed suite with the empty string", () => {
    expect(parseJUnit('<testsuites><testsuite><testcase name="t"/></testsuite></testsuites>').map((s) => s.name)).toEqual([""]);
  });

  it("puts cases directly under <testsuites> in a suite named after the root, after the real suites", () => {
    const suites = parseJUnit('<testsuites name="all"><testcase name="loose" time="1.5"/><testsuite name="s"><testcase name="t"/></testsuite><testcase name="loose2" time="2"/></testsuites>');
    expect(suites.map((s) => s.name)).toEqual(["s", "all"]);
    expect(suites[1]).toEqual({
      name: "all",
      durationSeconds: 3.5,
      tests: [
        { name: "loose", classname: "all", durationSeconds: 1.5, status: "passed" },
        { name: "loose2", classname: "all", durationSeconds: 2, status: "passed" },
      ],
    });
  });

  it("names the loose cases' suite (root) when the root is unnamed, with an empty classname", () => {
    const suites = parseJUnit('<testsuites><testcase name="loose"/></testsuites>');
    expect(suites.map((s) => s.name)).toEqual(["(root)"]);
    expect(suites[0]!.tests[0]!.classname).toBe("");
  });

  it("adds no root suite when every case is inside a suite", () => {
    expect(parseJUnit('<testsuites name="all"><testsuite name="s"><testcase name="t"/></testsuite></testsuites>').map((s) => s.name)).toEqual(["s"]);
  });

  it("reads an empty <testsuites> as no suites", () => {
    expect(parseJUnit("<testsuites/>")).toEqual([]);
  });
});
