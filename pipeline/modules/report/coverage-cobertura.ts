import { summarizeFiles } from "./coverage-total.js";
import type { CoverageSummary, FileCoverage, LineHits } from "./model.js";
import { childElements, parseXml, textContent, type XmlElement } from "./xml.js";
import { escapeXmlText, xmlAttributes } from "./xml-escape.js";

/**
 * Cobertura XML, the coverage format GitLab's merge-request annotations and
 * most GitHub coverage actions read. Read from coverage.py and c8/istanbul;
 * written for tools that have no Cobertura output of their own (Go).
 */

/**
 * Parses a Cobertura report. Totals come from the root's `lines-covered` /
 * `lines-valid` when present (exact), else from the class lines with the
 * root `line-rate` as the percent (older writers give only rates).
 * Only a class's own `<lines>` count: istanbul repeats lines under `<methods>`.
 * With `projectRoot` (the folder the tool ran in), file names become relative
 * to it: coverage.py names files relative to its `<source>` (e.g.
 * `/src/app`), so `money.py` is `app/money.py` of the project.
 * With `withBranches` the percent is coverage.py's own total, which its
 * TOTAL and --cov-fail-under use: lines and branches together (its
 * `branches-*` are 0 when branch coverage is off). Not for istanbul/c8,
 * whose total is lines alone although it writes branches too.
 */
export function parseCobertura(xml: string, options: { projectRoot?: string; withBranches?: boolean } = {}): CoverageSummary {
  const root = parseXml(xml);
  if (root.name !== "coverage") throw new Error(`not a Cobertura report: the root element is <${root.name}>, expected <coverage>`);
  const base = sourceBelow(root, options.projectRoot);
  const byPath = new Map<string, Map<number, number>>();
  for (const cls of descendants(root, ["packages", "package", "classes", "class"])) {
    // The DTD requires filename; older writers gave only the name.
    const filename = cls.attributes.filename ?? cls.attributes.name;
    if (filename === undefined) throw new Error("not a Cobertura report: a <class> has neither a filename nor a name attribute");
    const path = base && !filename.startsWith("/") ? `${base}/${filename}` : filename;
    const hits = byPath.get(path) ?? new Map<number, number>();
    byPath.set(path, hits);
    for (const line of childElements(cls, "lines").flatMap((l) => childElements(l, "line"))) {
      const number = Number(line.attributes.number);
      // Java inner classes share their file: a line ran if any class ran it.
      if (Number.isInteger(number)) hits.set(number, Math.max(hits.get(number) ?? 0, Number(line.attributes.hits) || 0));
    }
  }
  const files: FileCoverage[] = [...byPath].map(([path, hits]) => {
    const lines = [...hits].sort((a, b) => a[0] - b[0]).map(([number, h]) => ({ number, hits: h }));
    return { path, covered: lines.filter((l) => l.hits > 0).length, total: lines.length, lines };
  });
  const fromFiles = summarizeFiles(files);
  const covered = attributeNumber(root, "lines-covered");
  const valid = attributeNumber(root, "lines-valid");
  if (covered !== undefined && valid !== undefined) {
    const branches = options.withBranches ? branchCounts(root) : { covered: 0, valid: 0 };
    const all = valid + branches.valid;
    return { linesCovered: covered, linesValid: valid, percent: all === 0 ? 0 : ((covered + branches.covered) / all) * 100, files };
  }
  const rate = attributeNumber(root, "line-rate");
  return rate === undefined ? fromFiles : { ...fromFiles, percent: rate * 100 };
}

/** The first `<source>`'s folder relative to `projectRoot`, when it lies below it ("" when it is the root). */
function sourceBelow(root: XmlElement, projectRoot: string | undefined): string {
  if (!projectRoot) return "";
  const source = descendants(root, ["sources", "source"]).map((e) => textContent(e).trim())[0];
  const prefix = `${projectRoot.replace(/\/+$/, "")}/`;
  return source?.startsWith(prefix) ? source.slice(prefix.length).replace(/\/+$/, "") : "";
}

function branchCounts(root: XmlElement): { covered: number; valid: number } {
  return { covered: attributeNumber(root, "branches-covered") ?? 0, valid: attributeNumber(root, "branches-valid") ?? 0 };
}

function descendants(element: XmlElement, path: string[]): XmlElement[] {
  return path.reduce<XmlElement[]>((level, name) => level.flatMap((e) => childElements(e, name)), [element]);
}

function attributeNumber(element: XmlElement, name: string): number | undefined {
  const value = element.attributes[name];
  if (value === undefined || value.trim() === "") return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}

/**
 * Writes a Cobertura report (coverage-04.dtd): one package per directory,
 * one class per file, line hits where the summary has them, one element a
 * line as coverage.py writes it, so the report reads and diffs line by line.
 * `sourceRoot` (default ".") becomes `<source>`, the directory file paths
 * are relative to (GitLab matches it against the project root).
 * `timestamp` defaults to 0 so the output is reproducible.
 */
export function toCobertura(summary: CoverageSummary, options: { sourceRoot?: string; timestamp?: number } = {}): string {
  const packages = new Map<string, FileCoverage[]>();
  for (const file of summary.files) {
    const dir = file.path.includes("/") ? file.path.slice(0, file.path.lastIndexOf("/")) : ".";
    packages.set(dir, [...(packages.get(dir) ?? []), file]);
  }
  const out = [
    '<?xml version="1.0" ?>',
    '<!DOCTYPE coverage SYSTEM "http://cobertura.sourceforge.net/xml/coverage-04.dtd">',
    `<coverage${xmlAttributes({ "lines-valid": summary.linesValid, "lines-covered": summary.linesCovered, "line-rate": rate(summary.percent / 100), "branches-valid": 0, "branches-covered": 0, "branch-rate": 0, complexity: 0, version: "0.1", timestamp: options.timestamp ?? 0 })}>`,
    `\t<sources>\n\t\t<source>${escapeXmlText(options.sourceRoot ?? ".")}</source>\n\t</sources>`,
    "\t<packages>",
  ];
  for (const [dir, files] of packages) {
    const covered = files.reduce((n, f) => n + f.covered, 0);
    const total = files.reduce((n, f) => n + f.total, 0);
    out.push(`\t\t<package${xmlAttributes({ name: dir, "line-rate": ratio(covered, total), "branch-rate": 0, complexity: 0 })}>`, "\t\t\t<classes>");
    for (const file of files) {
      const name = file.path.slice(file.path.lastIndexOf("/") + 1);
      out.push(`\t\t\t\t<class${xmlAttributes({ name, filename: file.path, "line-rate": ratio(file.covered, file.total), "branch-rate": 0, complexity: 0 })}>`);
      out.push("\t\t\t\t\t<methods/>", ...linesXml(file.lines ?? []), "\t\t\t\t</class>");
    }
    out.push("\t\t\t</classes>", "\t\t</package>");
  }
  out.push("\t</packages>", "</coverage>", "");
  return out.join("\n");
}

function linesXml(lines: LineHits[]): string[] {
  return ["\t\t\t\t\t<lines>", ...lines.map((l) => `\t\t\t\t\t\t<line number="${l.number}" hits="${l.hits}"/>`), "\t\t\t\t\t</lines>"];
}

const rate = (value: number) => String(Math.round(value * 10000) / 10000);
const ratio = (covered: number, total: number) => rate(total === 0 ? 0 : covered / total);
