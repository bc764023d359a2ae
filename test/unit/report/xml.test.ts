import { describe, expect, it } from "vitest";
import { childElements, decodeEntities, parseXml, textContent, XmlError } from "../../../pipeline/modules/report/xml.js";

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
});
