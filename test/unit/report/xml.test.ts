import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { childElements, decodeEntities, parseXml, textContent, XmlError } from "../../../pipeline/modules/report/xml.js";
import { escapeXmlAttribute, escapeXmlText } from "../../../pipeline/modules/report/xml-escape.js";

describe("parseXml", () => {
  it("reads elements, attributes in both quote styles, text and entities", () => {
    const root = parseXml(`<a x="1 &amp; 2" y='say "hi" > there'><b>t &lt;3 &#65;&#x42;</b><c/></a>`);
    expect(root.name).toBe("a");
    expect(root.attributes).toEqual({ x: "1 & 2", y: 'say "hi" > there' });
    const [b, c] = childElements(root);
    expect(textContent(b!)).toBe("t <3 AB");
    expect(c!.name).toBe("c");
    expect(c!.children).toEqual([]);
  });

  it("keeps CDATA verbatim and skips comments, processing instructions and DOCTYPE with an internal subset", () => {
    const root = parseXml(
      `<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY e "x>y">]>\n<!-- a <comment> -->\n<r><?pi stuff?>a<![CDATA[<not & parsed>]]>b<!-- c --></r>`,
    );
    expect(root.name).toBe("r");
    expect(textContent(root)).toBe("a<not & parsed>b");
  });

  it("ignores stray end tags and closes unclosed elements at the end", () => {
    const root = parseXml("<r><a>1</x></a><b>2</r>");
    expect(childElements(root).map((e) => [e.name, textContent(e)])).toEqual([
      ["a", "1"],
      ["b", "2"],
    ]);
  });

  it("rejects what is not XML, with a code and an offset", () => {
    expect(() => parseXml("just text")).toThrow(XmlError);
    expect(() => parseXml("<r><!-- never closed</r>")).toThrow(/unterminated comment at offset 3/);
    try {
      parseXml("<r><a b=1></a></r>");
      expect.unreachable();
    } catch (error) {
      expect((error as XmlError).code).toBe("XML_MALFORMED");
      expect((error as Error).message).toMatch(/malformed start tag <a>/);
    }
  });

  it("leaves unknown entities as written", () => {
    expect(decodeEntities("&nbsp; &amp; &#x1F600;")).toBe("&nbsp; & 😀");
  });

  it("decodes XML's five predefined entities and references up to U+10FFFF, the last code point", () => {
    expect(decodeEntities("&lt;&gt;&amp;&quot;&apos;")).toBe(`<>&"'`);
    expect(decodeEntities("&#x10FFFF;&#1114111;")).toBe("\u{10FFFF}\u{10FFFF}");
    expect(decodeEntities("&#x110000; &#1114112;")).toBe("&#x110000; &#1114112;");
  });

  it("holds adjacent text, CDATA and references as one text node, with no empty ones between elements", () => {
    const root = parseXml("<r>a &amp; <![CDATA[<b>]]><!-- c -->d<e/><f/></r>");
    expect(root.children).toEqual(["a & <b>d", { name: "e", attributes: {}, children: [] }, { name: "f", attributes: {}, children: [] }]);
  });

  it("keeps the text of an element left open at the end", () => {
    expect(textContent(parseXml("<r><a>1</a>text at the end"))).toBe("1text at the end");
  });

  it("reads the whitespace XML allows in tags: before '>' and '/>', around '=', between attributes over several lines", () => {
    const root = parseXml('<r\n    a = "1"\n\tb=\'2\' ><c /><d\n></d ><e></e\n></r >');
    expect(root.attributes).toEqual({ a: "1", b: "2" });
    expect(childElements(root).map((e) => [e.name, e.children])).toEqual([
      ["c", []],
      ["d", []],
      ["e", []],
    ]);
  });

  it("skips a declaration wherever it is, and a DOCTYPE whose internal subset holds markup", () => {
    expect(textContent(parseXml("<r>a<!DOCTYPE x>b</r>"))).toBe("ab");
    expect(parseXml('<!DOCTYPE r [<!ENTITY e "> <b/>">]><r/>').name).toBe("r");
  });

  it("ignores a stray end tag naming the document itself", () => {
    expect(childElements(parseXml("<r></#document><a/></r>")).map((e) => e.name)).toEqual(["a"]);
  });

  it.each([
    ["<r><![CDATA[x</r>", "unterminated CDATA section at offset 3"],
    ["<r><?pi x</r>", "unterminated processing instruction at offset 3"],
    ["<r></r", "unterminated end tag at offset 3"],
    ["<!-- only a comment -->", "no root element found at offset 0"],
    ['<!DOCTYPE r [<!ENTITY e "x">', "unterminated DOCTYPE at offset 0"],
    ["<r>a < b</r>", "expected an element name after '<' at offset 5"],
    ["<r><>", "expected an element name after '<' at offset 3"],
    ['<r a="1"b="2"/>', "malformed start tag <r> at offset 0"],
  ])("rejects %j: %s", (xml, message) => {
    try {
      parseXml(xml);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(XmlError);
      expect(error).toMatchObject({ name: "XmlError", code: "XML_MALFORMED", message });
    }
  });
});

describe("childElements and textContent", () => {
  it("lists only elements, by name when asked, and joins all text below in document order", () => {
    const root = parseXml("<r>a<b>c<d>e</d></b>f<b/>g</r>");
    expect(childElements(root).map((e) => e.name)).toEqual(["b", "b"]);
    expect(childElements(root, "d")).toEqual([]);
    expect(textContent(root)).toBe("acefg");
  });
});

// XML 1.0 Char, less CR (a parser normalizes line ends in text, §2.11) and ESC (escaping drops ANSI colours).
const xmlChar = (c: string) => /^[\t\n\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]$/u.test(c) && c !== "\u001b";
const xmlText = fc.string({ unit: "binary" }).map((s) => [...s].filter(xmlChar).join(""));

describe("parseXml reads back what the writers escape (XML 1.0)", () => {
  it("round-trips text, CDATA and attribute values, CR and tabs included in attributes", () => {
    fc.assert(
      fc.property(xmlText, xmlText.filter((t) => !t.includes("]]>")), fc.string({ unit: "binary" }).map((s) => [...s].filter((c) => xmlChar(c) || c === "\r").join("")), (text, cdata, value) => {
        const root = parseXml(`<r v="${escapeXmlAttribute(value)}">${escapeXmlText(text)}<![CDATA[${cdata}]]>${escapeXmlText(text)}</r>`);
        expect(root.attributes.v).toBe(value);
        expect(textContent(root)).toBe(text + cdata + text);
        expect(root.children.length).toBeLessThanOrEqual(1);
      }),
    );
  });
});
