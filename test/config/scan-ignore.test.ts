import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MIN_REASON_LENGTH, parseScanIgnore, todayUtc } from "../../pipeline/src/config/scan-ignore.js";

const TOOLS = ["gosec", "semgrep", "govulncheck"];
const FILE = ".pipeline/scan-ignore.yaml";
const parse = (text: string, today = "2026-12-03") => parseScanIgnore(text, FILE, today, TOOLS);

describe("the scan ignore file", () => {
  it("reads entries with id, path glob, reason, expiry and an optional tool, keeping each entry's line", () => {
    const text = [
      "ignore:",
      "  - id: GO-2022-1059",
      "    path: go.mod",
      "    reason: x/text only formats numbers here, it never parses Accept-Language",
      "    expires: 2027-03-31",
      "  - id: G204",
      '    path: "internal/run/**"',
      "    reason: the argv is a constant list, reviewed by the platform team",
      "    expires: 2026-12-03",
      "    tool: gosec",
      "",
    ].join("\n");
    expect(parse(text)).toEqual({
      problems: [],
      rules: [
        { id: "GO-2022-1059", path: "go.mod", reason: "x/text only formats numbers here, it never parses Accept-Language", expires: "2027-03-31", line: 2 },
        { id: "G204", path: "internal/run/**", reason: "the argv is a constant list, reviewed by the platform team", expires: "2026-12-03", tool: "gosec", line: 6 },
      ],
    });
  });

  it("is empty when the file is empty or lists nothing", () => {
    expect(parse("")).toEqual({ rules: [], problems: [] });
    expect(parse("ignore:\n")).toEqual({ rules: [], problems: [] });
    expect(parse("# nothing accepted yet\n")).toEqual({ rules: [], problems: [] });
  });

  it("names the line, the field and the fix of an entry without a reason", () => {
    const { rules, problems } = parse("ignore:\n  - id: G204\n    path: '**'\n    expires: 2027-01-01\n");
    expect(rules).toEqual([]);
    expect(problems).toEqual([
      `${FILE}:2:5 ignore[0].reason: no reason\n  Fix: say why the finding is accepted, so a reviewer can judge it (and who decided)`,
    ]);
  });

  it("rejects a reason too short to judge, an empty one, and a missing id, path or expiry", () => {
    const { problems } = parse("ignore:\n  - id: G204\n    path: '**'\n    reason: ok\n    expires: 2027-01-01\n  - reason: ''\n");
    expect(problems[0]).toMatch(new RegExp(`^${FILE}:4:13 ignore\\[0\\]\\.reason: reason "ok" is too short to judge \\(${MIN_REASON_LENGTH} characters at least\\)`));
    expect(problems.slice(1).map((p) => p.split("\n")[0])).toEqual([
      `${FILE}:6:5 ignore[1].id: no id`,
      `${FILE}:6:5 ignore[1].path: no path`,
      `${FILE}:6:13 ignore[1].reason: reason is empty`,
      `${FILE}:6:5 ignore[1].expires: no expires`,
    ]);
  });

  it("fails an entry past its expiry, naming the line, the ID and the day", () => {
    const { rules, problems } = parse("ignore:\n  - id: CVE-2024-1234\n    path: package-lock.json\n    reason: the vulnerable code path needs a flag we never set\n    expires: 2026-12-02\n");
    expect(rules).toEqual([]);
    expect(problems).toEqual([
      `${FILE}:5:14 ignore[0].expires: the entry for CVE-2024-1234 expired on 2026-12-02 (today is 2026-12-03)\n` +
        "  Fix: review the finding again: fix it and remove this entry, or, if it is still accepted, set a new expiry with a current reason",
    ]);
  });

  it("expires an entry after its day, never on it", () => {
    const day = fc.date({ min: new Date("2020-01-01T00:00:00Z"), max: new Date("2030-12-31T00:00:00Z"), noInvalidDate: true }).map((d) => todayUtc(d));
    fc.assert(
      fc.property(day, day, (expires, today) => {
        const { rules, problems } = parse(`ignore:\n  - id: G204\n    path: "**"\n    reason: reviewed and accepted by the team\n    expires: ${expires}\n`, today);
        expect(rules.length === 1).toBe(expires >= today);
        expect(problems.length === 1).toBe(expires < today);
      }),
    );
  });

  it("rejects dates that are not days, unknown keys and unknown tools", () => {
    const { problems } = parse(
      "ignore:\n  - id: G204\n    path: '**'\n    reason: reviewed and accepted by the team\n    expires: 2027-02-30\n    tool: eslint\n    owner: me\nextra: 1\n",
    );
    expect(problems.map((p) => p.split("\n")[0])).toEqual([
      `${FILE}:8:1 extra: unknown key "extra"`,
      `${FILE}:7:5 ignore[0].owner: unknown key "owner"`,
      `${FILE}:5:14 ignore[0].expires: expected a date YYYY-MM-DD, got "2027-02-30"`,
      `${FILE}:6:11 ignore[0].tool: unknown tool "eslint"`,
    ]);
  });

  it("says where the YAML is broken", () => {
    expect(parse("ignore:\n  - id: [unclosed\n").problems[0]).toMatch(new RegExp(`^${FILE}:\\d+:\\d+ \\(root\\): invalid YAML`));
  });
});
