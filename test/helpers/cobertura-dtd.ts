import { parseXml, type XmlElement } from "../../pipeline/modules/report/xml.js";

/**
 * What a validating parser would say of a Cobertura report, written here from
 * XML 1.0 (well-formedness) and coverage-04.dtd (the content models and the
 * #REQUIRED attributes below), apart from the lenient reader under test.
 * Returns the problems found, none for a valid report.
 */
export function coberturaProblems(xml: string): string[] {
  const problems = wellFormednessProblems(xml);
  if (problems.length > 0) return problems;
  validate(parseXml(xml), problems);
  return problems;
}

// coverage-04.dtd's content models, as patterns over the child element names (each followed by a space).
const CONTENT: Record<string, RegExp> = {
  coverage: /^(sources )?packages $/,
  sources: /^(source )*$/,
  source: /^$/, // #PCDATA
  packages: /^(package )*$/,
  package: /^classes $/,
  classes: /^(class )*$/,
  class: /^methods lines $/,
  methods: /^(method )*$/,
  method: /^lines $/,
  lines: /^(line )*$/,
  line: /^(conditions )*$/,
  conditions: /^(condition )*$/,
  condition: /^$/, // EMPTY
};

const REQUIRED: Record<string, string[]> = {
  coverage: ["line-rate", "branch-rate", "lines-covered", "lines-valid", "branches-covered", "branches-valid", "complexity", "version", "timestamp"],
  package: ["name", "line-rate", "branch-rate", "complexity"],
  class: ["name", "filename", "line-rate", "branch-rate", "complexity"],
  method: ["name", "signature", "line-rate", "branch-rate", "complexity"],
  line: ["number", "hits"],
  condition: ["number", "type", "coverage"],
};

function validate(element: XmlElement, problems: string[]): void {
  const model = CONTENT[element.name];
  if (!model) {
    problems.push(`<${element.name}> is not an element of coverage-04.dtd`);
    return;
  }
  const children = element.children.filter((c): c is XmlElement => typeof c !== "string");
  const sequence = children.map((c) => `${c.name} `).join("");
  if (!model.test(sequence)) problems.push(`<${element.name}> holds ${sequence.trim() || "no element"}, not ${model.source}`);
  if (element.name !== "source" && element.children.some((c) => typeof c === "string" && c.trim() !== "")) {
    problems.push(`<${element.name}> holds text, which its content model has no room for`);
  }
  for (const name of REQUIRED[element.name] ?? []) {
    if (element.attributes[name] === undefined) problems.push(`<${element.name}> lacks the required ${name}`);
  }
  for (const child of children) validate(child, problems);
}

const NAME = "[A-Za-z_:][\\w.:-]*";
const TAG = new RegExp(`<(/?)(${NAME})((?:\\s+${NAME}\\s*=\\s*"[^<"]*")*)\\s*(/?)>`, "y");
const MISC = /\s+|<!--(?:[^-]|-[^-])*-->|<\?(?!xml[\s?])[\s\S]*?\?>/y;

/** XML 1.0's document production: prolog, one element, then only comments, PIs and white space. */
function wellFormednessProblems(xml: string): string[] {
  let at = 0;
  const skip = (re: RegExp) => {
    re.lastIndex = at;
    const m = re.exec(xml);
    if (m) at = re.lastIndex;
    return m;
  };
  skip(/<\?xml\s[^?]*\?>/y);
  while (skip(MISC));
  skip(/<!DOCTYPE\s[^>[]*>/y);
  while (skip(MISC));
  const open: string[] = [];
  let rootClosed = false;
  while (at < xml.length && !rootClosed) {
    const tag = skip(TAG);
    if (tag) {
      const [, end, name, attributes, empty] = tag;
      const names = [...attributes!.matchAll(new RegExp(`(${NAME})\\s*=`, "g"))].map((m) => m[1]);
      if (new Set(names).size !== names.length) return [`<${name}> repeats an attribute`];
      if (end) {
        if (open.pop() !== name) return [`</${name}> at offset ${at} closes no open <${name}>`];
      } else if (!empty) open.push(name!);
      rootClosed = open.length === 0;
      continue;
    }
    if (open.length === 0) return [`no root element at offset ${at}`];
    if (skip(MISC)) continue;
    if (!skip(/[^<&]+|&(?:#[0-9]+|#x[0-9a-fA-F]+|[A-Za-z]+);/y)) return [`markup XML cannot read at offset ${at}`];
  }
  if (open.length > 0) return [`<${open.at(-1)}> is never closed`];
  while (skip(MISC));
  return at < xml.length ? [`text after the root element at offset ${at}`] : [];
}
