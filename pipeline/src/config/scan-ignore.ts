import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode, type Pair } from "../../vendor/yaml.js";
import type { IgnoreRule } from "../../modules/scan/gate.js";

/**
 * The scan's ignore file (`.pipeline/scan-ignore.yaml` by default): the
 * findings a team accepted, each with the rule or vulnerability ID, the
 * paths it covers, a reason a reviewer can judge and an expiry date, so an
 * accepted risk is looked at again. An entry without a reason, or past its
 * expiry, is an error naming its line: a silently lapsing exception would
 * be no exception policy at all.
 *
 *   ignore:
 *     - id: GO-2022-1059            # rule or vulnerability ID (a CVE or GHSA alias matches too)
 *       path: go.mod                 # glob over repository paths; ** for everywhere
 *       reason: x/text is only used to format numbers, never to parse Accept-Language
 *       expires: 2027-03-31
 *       tool: govulncheck            # optional: only this scanner's findings
 */

export interface IgnoreFileResult {
  rules: IgnoreRule[];
  /** "file:line:col id: message\n  Fix: ...", one per problem. */
  problems: string[];
}

const ENTRY_KEYS = ["id", "path", "reason", "expires", "tool"] as const;
/** A reason shorter than this says nothing a reviewer can judge ("ok", "n/a", "false positive"). */
export const MIN_REASON_LENGTH = 15;

/** Parses the ignore file's text; `today` is YYYY-MM-DD (UTC), the day expiries are judged against. */
export function parseScanIgnore(text: string, file: string, today: string, knownTools: readonly string[]): IgnoreFileResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const problems: string[] = [];
  const at = (node: YamlNode | Pair | undefined | null) => {
    const offset = (node && "range" in node && node.range ? node.range[0] : isPair(node) && node.key && (node.key as YamlNode).range ? (node.key as YamlNode).range![0] : 0) ?? 0;
    const pos = lines.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  const problem = (node: YamlNode | Pair | undefined | null, where: string, message: string, fix: string) => {
    const { line, column } = at(node);
    problems.push(`${file}:${line}:${column} ${where}: ${message}\n  Fix: ${fix}`);
  };
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const pos = lines.linePos(e.pos[0]);
      problems.push(`${file}:${pos.line}:${pos.col} (root): invalid YAML: ${e.message.split("\n")[0]}\n  Fix: correct the YAML syntax at this position`);
    }
    return { rules: [], problems };
  }
  const root = doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ""))) return { rules: [], problems };
  if (!isMap(root)) {
    problem(root, "(root)", "expected a mapping with an `ignore:` list", "write `ignore:` followed by a list of entries (see the README's scanning section)");
    return { rules: [], problems };
  }
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : "";
    if (key !== "ignore") problem(pair.key, key || "(root)", `unknown key "${key}"`, "the only key allowed here is ignore");
  }
  const list = root.get("ignore", true) as YamlNode | undefined;
  if (list === undefined || (isScalar(list) && list.value === null)) return { rules: [], problems };
  if (!isSeq(list)) {
    problem(list, "ignore", "expected a list of entries", "write each entry as a `- id: ...` item under ignore:");
    return { rules: [], problems };
  }
  const rules: IgnoreRule[] = [];
  list.items.forEach((item, index) => {
    const where = `ignore[${index}]`;
    const node = item as YamlNode;
    if (!isMap(node)) {
      problem(node, where, "expected an entry with id, path, reason and expires", "write the entry as a mapping: id, path, reason, expires (and optionally tool)");
      return;
    }
    const value = (key: string): { text: string | undefined; node: YamlNode | undefined } => {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
      const v = pair?.value as YamlNode | undefined;
      if (!pair) return { text: undefined, node: undefined };
      if (isScalar(v) && (typeof v.value === "string" || typeof v.value === "number" || typeof v.value === "boolean")) return { text: String(v.value).trim(), node: v };
      if (isScalar(v) && v.value instanceof Date) return { text: v.value.toISOString().slice(0, 10), node: v };
      return { text: "", node: v ?? (pair.key as YamlNode) };
    };
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : "";
      if (!(ENTRY_KEYS as readonly string[]).includes(key)) {
        problem(pair.key as YamlNode, `${where}.${key}`, `unknown key "${key}"`, `the keys of an entry are: ${ENTRY_KEYS.join(", ")}`);
      }
    }
    const id = value("id");
    const path = value("path");
    const reason = value("reason");
    const expires = value("expires");
    const tool = value("tool");
    let ok = true;
    const need = (v: { text: string | undefined; node: YamlNode | undefined }, key: string, fix: string) => {
      if (v.text) return true;
      problem(v.node ?? node, `${where}.${key}`, v.text === undefined ? `no ${key}` : `${key} is empty`, fix);
      ok = false;
      return false;
    };
    need(id, "id", "name the rule or vulnerability ID the finding shows in reports/scan/summary.md (e.g. G204, GO-2022-1059, CVE-2024-1234)");
    need(path, "path", 'give a glob over repository paths, e.g. "services/api/internal/**" or "**" for every path');
    if (need(reason, "reason", "say why the finding is accepted, so a reviewer can judge it (and who decided)") && reason.text!.length < MIN_REASON_LENGTH) {
      problem(reason.node, `${where}.reason`, `reason "${reason.text}" is too short to judge (${MIN_REASON_LENGTH} characters at least)`, "say why the finding does not apply or is accepted, e.g. what makes the code unreachable");
      ok = false;
    }
    if (need(expires, "expires", `give the day the acceptance ends, as YYYY-MM-DD (e.g. ${plusDays(today, 90)})`)) {
      if (!isDate(expires.text!)) {
        problem(expires.node, `${where}.expires`, `expected a date YYYY-MM-DD, got ${JSON.stringify(expires.text)}`, `write the date as YYYY-MM-DD, e.g. ${plusDays(today, 90)}`);
        ok = false;
      } else if (expires.text! < today) {
        problem(
          expires.node,
          `${where}.expires`,
          `the entry for ${id.text ?? "?"} expired on ${expires.text} (today is ${today})`,
          "review the finding again: fix it and remove this entry, or, if it is still accepted, set a new expiry with a current reason",
        );
        ok = false;
      }
    }
    if (tool.text !== undefined && !knownTools.includes(tool.text)) {
      problem(tool.node, `${where}.tool`, `unknown tool "${tool.text}"`, `use one of ${knownTools.join(", ")}, or leave tool out to match every scanner`);
      ok = false;
    }
    if (ok) {
      rules.push({
        id: id.text!,
        path: path.text!,
        reason: reason.text!,
        expires: expires.text!,
        ...(tool.text ? { tool: tool.text } : {}),
        line: at(node).line,
      });
    }
  });
  return { rules, problems };
}

function isDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

function plusDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** Today as the ignore file's expiries read it: the UTC date. */
export function todayUtc(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}
