import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { globToRegExp, pathFilter } from "../../cli/recording-engine/path-filter.js";

/** A piece of a brace pattern: literal text, or `{…,…}` whose options are sequences. */
type Part = string | { options: Part[][] };

/** The glob syntax of the engine's include/exclude: braces alternate only when balanced, and nothing escapes the anchors. */

describe("globToRegExp", () => {
  it("treats a comma outside braces as a literal character", () => {
    const glob = globToRegExp("a,b.txt");
    expect(glob.test("a,b.txt")).toBe(true);
    // An unanchored `^a|b\.txt$` matched these.
    for (const other of ["a", "abc", "x/b.txt", "xb.txt"]) expect(glob.test(other), other).toBe(false);
  });

  it("treats an unbalanced brace as a literal character instead of throwing", () => {
    expect(globToRegExp("a}b").test("a}b")).toBe(true);
    expect(globToRegExp("{a,b").test("{a,b")).toBe(true);
    expect(globToRegExp("{a,b").test("a")).toBe(false);
    expect(globToRegExp("x{a,b}y}").test("xay}")).toBe(true);
    expect(globToRegExp("}{").test("}{")).toBe(true);
  });

  it("alternates inside balanced braces, nested too, with the anchors around the whole pattern", () => {
    const glob = globToRegExp("src/{a,{b,c}}.ts");
    for (const path of ["src/a.ts", "src/b.ts", "src/c.ts"]) expect(glob.test(path), path).toBe(true);
    for (const path of ["src/a.tsx", "lib/src/b.ts", "src/d.ts", "src/a"]) expect(glob.test(path), path).toBe(false);
    expect(globToRegExp("**/*.{ts,js}").test("a/b/c.js")).toBe(true);
  });

  it("matches exactly the pattern when it has no wildcard and no balanced brace", () => {
    // Regex specials, commas and closing braces: all literal here.
    const literal = fc.string({ unit: fc.constantFrom("a", "b", ",", "}", ".", "(", ")", "|", "$", "^", "+", "[", "]", "\\"), maxLength: 8 });
    fc.assert(
      fc.property(literal, literal, (pattern, other) => {
        const glob = globToRegExp(pattern);
        expect(glob.test(pattern)).toBe(true);
        expect(glob.test(other)).toBe(other === pattern);
      }),
    );
  });

  it("never matches more than the pattern spans, whatever its braces and commas", () => {
    // Without `*`, each pattern character consumes at most one path character and none is a slash.
    const unit = fc.constantFrom("a", "b", ",", "{", "}", "?", ".");
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 10 }), fc.string({ unit: fc.constantFrom("a", "b", ",", "{", "}", ".", "/"), maxLength: 12 }), (pattern, path) => {
        const glob = globToRegExp(pattern);
        if (glob.test(path)) {
          expect(path).not.toContain("/");
          expect(path.length).toBeLessThanOrEqual(pattern.length);
        }
      }),
    );
  });

  it("matches exactly the expansion of nested brace alternatives", () => {
    // Depth and widths stay small: the expansion multiplies out (at most 729 strings here).
    const word = fc.stringMatching(/^[abc]{0,2}$/);
    const part = (depth: number): fc.Arbitrary<Part> =>
      depth === 0 ? word : fc.oneof(word, fc.array(sequenceOf(depth - 1), { minLength: 1, maxLength: 3 }).map((options): Part => ({ options })));
    const sequenceOf = (depth: number): fc.Arbitrary<Part[]> => fc.array(part(depth), { maxLength: 2 });
    const render = (seq: readonly Part[]): string => seq.map((p) => (typeof p === "string" ? p : `{${p.options.map(render).join(",")}}`)).join("");
    const expand = (seq: readonly Part[]): string[] =>
      seq.reduce<string[]>((prefixes, p) => {
        const options = typeof p === "string" ? [p] : p.options.flatMap(expand);
        return prefixes.flatMap((prefix) => options.map((o) => prefix + o));
      }, [""]);
    fc.assert(
      fc.property(sequenceOf(2), fc.stringMatching(/^[abc]{0,4}$/), (seq, other) => {
        const glob = globToRegExp(render(seq));
        const expansion = new Set(expand(seq));
        for (const path of expansion) expect(glob.test(path), path).toBe(true);
        expect(glob.test(other)).toBe(expansion.has(other));
      }),
    );
  });
});

describe("pathFilter", () => {
  it("excludes only the file a comma-named pattern names", () => {
    const keeps = pathFilter([], ["a,b.txt", "c}"]);
    expect(keeps("a,b.txt", false)).toBe(false);
    expect(keeps("c}", false)).toBe(false);
    for (const path of ["a", "b.txt", "abc", "c"]) expect(keeps(path, false), path).toBe(true);
  });
});
