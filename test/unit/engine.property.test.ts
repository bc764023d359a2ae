import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { globToRegExp } from "../../cli/recording-engine/host-fs.js";
import { loadConfig } from "../../pipeline/src/config/load.js";
import { toJUnitXml, parseJUnit } from "../../pipeline/modules/report/junit.js";
import type { TestSuiteResult } from "../../pipeline/modules/report/model.js";
import { mannWhitneyU } from "../../pipeline/modules/report/stats.js";

/**
 * Properties of the engine's own pure code, checked with fast-check. Runs per
 * property are fast-check's global numRuns: the pipeline's property-test stage
 * sets it from pipeline.yaml (stages.propertyTest.iterations), else 100.
 */

// Text a test runner may print: XML specials, quotes, unicode, control characters.
const testText = fc.string({ unit: fc.oneof(fc.constantFrom("<", ">", "&", "\"", "'", "]]>", "\u0007"), fc.string({ minLength: 1, maxLength: 1 }), fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 })), minLength: 1 });
const suiteOf = fc.record({
  name: testText,
  tests: fc.array(
    fc.record({
      name: testText,
      classname: testText,
      durationSeconds: fc.integer({ min: 0, max: 10_000 }).map((ms) => ms / 1000),
      status: fc.constantFrom("passed", "failed", "skipped"),
    }),
    { maxLength: 6 },
  ),
  durationSeconds: fc.constant(0),
}) as fc.Arbitrary<TestSuiteResult>;

describe("properties", () => {
  it("JUnit written from any results reads back with the same counts and statuses", () => {
    fc.assert(
      fc.property(fc.array(suiteOf, { maxLength: 4 }), (suites) => {
        const back = parseJUnit(toJUnitXml(suites));
        expect(back.map((s) => s.tests.map((t) => t.status))).toEqual(suites.map((s) => s.tests.map((t) => t.status)));
      }),
    );
  });

  it("the Mann-Whitney p-value is a probability, symmetric in its samples and blind to a shared shift", () => {
    const sample = fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 2, maxLength: 12 });
    fc.assert(
      fc.property(sample, sample, fc.integer({ min: 1, max: 1000 }), (x, y, shift) => {
        const { p } = mannWhitneyU(x, y);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
        expect(mannWhitneyU(y, x).p).toBeCloseTo(p, 9);
        expect(mannWhitneyU(x.map((v) => v + shift), y.map((v) => v + shift)).p).toBeCloseTo(p, 9);
      }),
    );
  });

  it("pipeline.yaml loading never throws: any text is a config or located problems", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.jsonValue().map((v) => JSON.stringify(v))), (text) => {
        const result = loadConfig(text);
        if (!result.ok) {
          expect(result.problems.length).toBeGreaterThan(0);
          for (const p of result.problems) expect(p.line).toBeGreaterThanOrEqual(1);
        }
      }),
    );
  });

  it("a ** glob matches a file at any depth, a * glob only at its own level", () => {
    const segment = fc.stringMatching(/^[a-z0-9_-]{1,8}$/);
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 4 }), segment, (dirs, name) => {
        const path = [...dirs, `${name}.ts`].join("/");
        expect(globToRegExp("**/*.ts").test(path)).toBe(true);
        expect(globToRegExp("*.ts").test(path)).toBe(dirs.length === 0);
      }),
    );
  });
});
