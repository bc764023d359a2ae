import { describe, expect, it } from "vitest";
import { escapeXmlAttribute, escapeXmlText, xmlAttributes } from "../../../pipeline/modules/report/xml-escape.js";
import { parseXml } from "../../../pipeline/modules/report/xml.js";

describe("escaping", () => {
  it("escapes markup and replaces characters XML 1.0 forbids, dropping ANSI colours", () => {
    expect(escapeXmlText("a < b && c > d")).toBe("a &lt; b &amp;&amp; c &gt; d");
    expect(escapeXmlText("\u001b[31mred\u001b[0m bell\u0007 nul\u0000 tab\tok")).toBe("red bell\uFFFD nul\uFFFD tab\tok");
    expect(escapeXmlText("lone \uD800 pair \uD83D\uDE00")).toBe("lone \uFFFD pair 😀");
  });

  it("keeps newlines and quotes of attributes as references", () => {
    expect(escapeXmlAttribute('say "x"\n\tnext')).toBe("say &quot;x&quot;&#10;&#9;next");
    const root = parseXml(`<a m="${escapeXmlAttribute('1 < "2"\n3')}"/>`);
    expect(root.attributes.m).toBe('1 < "2"\n3');
  });

  it("writes attributes in the order given", () => {
    expect(xmlAttributes({ name: "a&b", time: 1.5 })).toBe(' name="a&amp;b" time="1.5"');
  });
});
