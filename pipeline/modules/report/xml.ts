/**
 * A small XML reader (the writers' escaping is in xml-escape.ts). Enough for
 * the reports of test and coverage tools (JUnit, Cobertura): elements,
 * attributes, text, CDATA, entities; comments, processing instructions and
 * DOCTYPE are skipped. No namespaces, no DTD entity expansion, on purpose:
 * report files are data, not documents.
 */

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlNode[];
}

export type XmlNode = XmlElement | string;

/** Thrown for input that is not XML at all, with the offset where reading stopped. */
export class XmlError extends Error {
  override readonly name = "XmlError";
  readonly code = "XML_MALFORMED";
  constructor(message: string, readonly offset: number) {
    super(`${message} at offset ${offset}`);
  }
}

const NAMED_ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

/** Replaces the five predefined entities and character references; unknown entities stay as written. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, ref: string) => {
    if (ref[0] !== "#") return NAMED_ENTITIES[ref] ?? whole;
    const code = ref[1] === "x" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    // A reference to a code point that does not exist would throw in fromCodePoint.
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/**
 * Parses a document into its root element. Liberal where tools are sloppy
 * (a stray end tag is ignored, unclosed elements are closed at the end),
 * strict where the input is not XML (no root element, an unterminated tag).
 */
export function parseXml(xml: string): XmlElement {
  const root: XmlElement = { name: "#document", attributes: {}, children: [] };
  const stack: XmlElement[] = [root];
  const top = () => stack[stack.length - 1]!;
  let i = 0;
  for (;;) {
    const lt = xml.indexOf("<", i);
    const textEnd = lt === -1 ? xml.length : lt;
    if (textEnd > i) appendText(top(), decodeEntities(xml.slice(i, textEnd)));
    if (lt === -1) break;
    if (xml.startsWith("<!--", lt)) i = skipPast(xml, lt, "-->", "comment");
    else if (xml.startsWith("<![CDATA[", lt)) {
      const end = skipPast(xml, lt, "]]>", "CDATA section");
      appendText(top(), xml.slice(lt + 9, end - 3));
      i = end;
    } else if (xml.startsWith("<?", lt)) i = skipPast(xml, lt, "?>", "processing instruction");
    else if (xml.startsWith("<!", lt)) i = skipDoctype(xml, lt);
    else if (xml[lt + 1] === "/") {
      const end = skipPast(xml, lt, ">", "end tag");
      const name = xml.slice(lt + 2, end - 1).trim();
      const at = stack.map((e) => e.name).lastIndexOf(name);
      if (at > 0) stack.length = at;
      i = end;
    } else {
      const { element, selfClosing, end } = readStartTag(xml, lt);
      top().children.push(element);
      if (!selfClosing) stack.push(element);
      i = end;
    }
  }
  const element = root.children.find((c): c is XmlElement => typeof c !== "string");
  if (!element) throw new XmlError("no root element found", 0);
  return element;
}

function appendText(parent: XmlElement, text: string): void {
  const last = parent.children[parent.children.length - 1];
  if (typeof last === "string") parent.children[parent.children.length - 1] = last + text;
  else parent.children.push(text);
}

function skipPast(xml: string, from: number, terminator: string, what: string): number {
  const at = xml.indexOf(terminator, from);
  if (at === -1) throw new XmlError(`unterminated ${what}`, from);
  return at + terminator.length;
}

/** DOCTYPE may hold an internal subset in brackets, which may itself hold `>`. */
function skipDoctype(xml: string, from: number): number {
  let depth = 0;
  for (let i = from + 2; i < xml.length; i++) {
    if (xml[i] === "[") depth++;
    else if (xml[i] === "]") depth--;
    else if (xml[i] === ">" && depth <= 0) return i + 1;
  }
  throw new XmlError("unterminated DOCTYPE", from);
}

const NAME = /[^\s/>=]+/y;
// XML 1.0 STag: whitespace before every attribute, and may be before the end.
const ATTRIBUTE = /\s+([^\s/>=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/y;
const TAG_END = /\s*(\/?)>/y;

function readStartTag(xml: string, from: number): { element: XmlElement; selfClosing: boolean; end: number } {
  NAME.lastIndex = from + 1;
  const name = NAME.exec(xml)?.[0];
  if (!name) throw new XmlError("expected an element name after '<'", from);
  const element: XmlElement = { name, attributes: {}, children: [] };
  let i = NAME.lastIndex;
  for (;;) {
    ATTRIBUTE.lastIndex = i;
    const match = ATTRIBUTE.exec(xml);
    if (!match) break;
    element.attributes[match[1]!] = decodeEntities(match[2] ?? match[3]!); // one of the two quotings matched
    i = ATTRIBUTE.lastIndex;
  }
  TAG_END.lastIndex = i;
  const end = TAG_END.exec(xml);
  if (!end) throw new XmlError(`malformed start tag <${name}>`, from);
  return { element, selfClosing: end[1] === "/", end: TAG_END.lastIndex };
}

/** The direct child elements of `element`, optionally only those named `name`. */
export function childElements(element: XmlElement, name?: string): XmlElement[] {
  return element.children.filter((c): c is XmlElement => typeof c !== "string" && (name === undefined || c.name === name));
}

/** All text inside `element`, CDATA included, in document order. */
export function textContent(element: XmlElement): string {
  return element.children.map((c) => (typeof c === "string" ? c : textContent(c))).join("");
}
