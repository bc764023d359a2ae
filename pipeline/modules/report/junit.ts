import type { TestCaseResult, TestSuiteResult } from "./model.js";
import { childElements, parseXml, textContent, type XmlElement } from "./xml.js";
import { escapeXmlText, xmlAttributes } from "./xml-escape.js";

export type { TestCaseResult, TestSuiteResult } from "./model.js";

/**
 * JUnit XML, the one test report format every CI reads (GitLab test
 * reports, GitHub test-reporter actions): written from our model, and read
 * back from pytest, jest-junit, node --test, gotestsum and go-junit-report
 * so summaries count tests the same way for every tool.
 */

/**
 * Writes `<testsuites>` with one `<testsuite>` per suite. A suite that did
 * not build gets an `<error>` test case, so CI shows it instead of an empty,
 * green suite.
 */
export function toJUnitXml(suites: readonly TestSuiteResult[]): string {
  const all = suites.flatMap((s) => s.tests);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${xmlAttributes({ tests: all.length + suites.filter((s) => s.failedBuild).length, failures: count(all, "failed"), skipped: count(all, "skipped"), errors: suites.filter((s) => s.failedBuild).length, time: seconds(suites.reduce((t, s) => t + s.durationSeconds, 0)) })}>`,
  ];
  for (const suite of suites) {
    lines.push(`\t<testsuite${xmlAttributes({ name: suite.name, tests: suite.tests.length + (suite.failedBuild ? 1 : 0), failures: count(suite.tests, "failed"), skipped: count(suite.tests, "skipped"), errors: suite.failedBuild ? 1 : 0, time: seconds(suite.durationSeconds) })}>`);
    if (suite.coveragePercent !== undefined) {
      lines.push(`\t\t<properties><property${xmlAttributes({ name: "coverage.percent", value: String(suite.coveragePercent) })}/></properties>`);
    }
    if (suite.failedBuild) {
      lines.push(`\t\t<testcase${xmlAttributes({ name: "[build failed]", classname: suite.name, time: seconds(0) })}>`);
      lines.push(`\t\t\t<error${xmlAttributes({ message: suite.failedBuild, type: "build" })}>${escapeXmlText(suite.output ?? suite.failedBuild)}</error>`);
      lines.push("\t\t</testcase>");
    }
    for (const test of suite.tests) lines.push(...testcase(test));
    if (suite.output && !suite.failedBuild) lines.push(`\t\t<system-out>${escapeXmlText(suite.output)}</system-out>`);
    lines.push("\t</testsuite>");
  }
  lines.push("</testsuites>", "");
  return lines.join("\n");
}

function testcase(test: TestCaseResult): string[] {
  const open = `\t\t<testcase${xmlAttributes({ name: test.name, classname: test.classname, time: seconds(test.durationSeconds) })}`;
  const body: string[] = [];
  if (test.status === "failed") {
    const message = test.failureMessage ?? "Failed";
    body.push(`\t\t\t<failure${xmlAttributes({ message: firstLine(message), type: "failure" })}>${escapeXmlText(message)}</failure>`);
  } else if (test.status === "skipped") {
    body.push(`\t\t\t<skipped${xmlAttributes({ message: test.skipMessage ?? "skipped" })}/>`);
  }
  if (test.output) body.push(`\t\t\t<system-out>${escapeXmlText(test.output)}</system-out>`);
  return body.length === 0 ? [`${open}/>`] : [`${open}>`, ...body, "\t\t</testcase>"];
}

/**
 * Reads any JUnit XML into the model. The case elements decide the counts,
 * never the `tests`/`failures` attributes, which tools fill inconsistently
 * (jest-junit counts 4 tests for 5 cases). `<error>` counts as failed.
 * Test cases directly under `<testsuites>` (node --test) form a suite named
 * after the root. Throws when the text is not XML or has no JUnit root.
 */
export function parseJUnit(xml: string): TestSuiteResult[] {
  const root = parseXml(xml);
  if (root.name === "testsuite") return [readSuite(root)];
  if (root.name !== "testsuites") throw new Error(`not a JUnit report: the root element is <${root.name}>, expected <testsuites> or <testsuite>`);
  const suites = childElements(root, "testsuite").map(readSuite);
  const loose = childElements(root, "testcase").map((c) => readCase(c, root.attributes.name ?? ""));
  if (loose.length > 0) {
    suites.push({ name: root.attributes.name ?? "(root)", tests: loose, durationSeconds: sum(loose.map((t) => t.durationSeconds)) });
  }
  return suites;
}

function readSuite(element: XmlElement): TestSuiteResult {
  const name = element.attributes.name ?? "";
  // Nested suites (some reporters nest per describe block) flatten into their parent.
  const tests = [
    ...childElements(element, "testcase").map((c) => readCase(c, name)),
    ...childElements(element, "testsuite").flatMap((s) => readSuite(s).tests),
  ];
  const suite: TestSuiteResult = { name, tests, durationSeconds: number(element.attributes.time) ?? sum(tests.map((t) => t.durationSeconds)) };
  const out = childElements(element, "system-out").map(textContent).join("\n").trim();
  if (out) suite.output = out;
  return suite;
}

function readCase(element: XmlElement, suiteName: string): TestCaseResult {
  const test: TestCaseResult = {
    name: element.attributes.name ?? "",
    classname: element.attributes.classname ?? suiteName,
    durationSeconds: number(element.attributes.time) ?? 0,
    status: "passed",
  };
  const [failure] = [...childElements(element, "failure"), ...childElements(element, "error")];
  const [skipped] = childElements(element, "skipped");
  if (failure) {
    test.status = "failed";
    test.failureMessage = textContent(failure).trim() || failure.attributes.message || "Failed";
  } else if (element.attributes.failure !== undefined) {
    test.status = "failed";
    test.failureMessage = element.attributes.failure;
  } else if (skipped) {
    test.status = "skipped";
    const why = skipped.attributes.message ?? textContent(skipped).trim();
    if (why) test.skipMessage = why;
  }
  const out = childElements(element, "system-out").map(textContent).join("\n").trim();
  if (out) test.output = out;
  return test;
}


const count = (tests: readonly TestCaseResult[], status: TestCaseResult["status"]) => tests.filter((t) => t.status === status).length;
const seconds = (value: number) => value.toFixed(3);
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
// split always yields at least one piece.
const firstLine = (text: string) => text.trim().split("\n")[0]!;

function number(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  // Some reporters write thousands separators ("1,234.5").
  const parsed = Number(value.replace(/,/g, ""));
  return Number.isFinite(parsed) ? parsed : undefined;
}
