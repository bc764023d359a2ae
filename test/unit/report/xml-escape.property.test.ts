import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { escapeXmlAttribute, escapeXmlText } from "../../../pipeline/modules/report/xml-escape.js";
import { decodeEntities } from "../../../pipeline/modules/report/xml.js";

/**
 * The escapers against what a conforming XML 1.0 parser reads back, written
 * here from the specification: line ends normalized to LF (§2.11), then in an
 * attribute every literal tab, LF and CR becomes a space (§3.3.3), and last
 * the character and entity references are replaced (they are not normalized).
 */

const REFERENCE = /&(?:#[0-9]+|#x[0-9a-fA-F]+|[A-Za-z]+);/y;

/** Where a `&` does not start a reference: markup XML would reject (§4.1). */
function hasBareAmpersand(xml: string): boolean {
  return [...xml.matchAll(/&/g)].some((m) => {
    REFERENCE.lastIndex = m.index;
    return !REFERENCE.test(xml);
  });
}

const attributeAsParsed = (raw: string) => decodeEntities(raw.replace(/\r\n?/g, "\n").replace(/[\t\n\r]/g, " "));
const textAsParsed = (raw: string) => decodeEntities(raw.replace(/\r\n?/g, "\n"));

// Characters XML 1.0 allows, the markup ones and whitespace among them (the forbidden ones are replaced, tested apart).
const allowed = fc.constantFrom("a", "Z", " ", "\t", "\n", "\r", '"', "'", "<", ">", "&", ";", "#", "]", "é", "😀");

describe("XML escaping, against the XML 1.0 reading rules", () => {
  it("an attribute value reads back exactly, whitespace included, and holds no markup", () => {
    fc.assert(
      fc.property(fc.string({ unit: allowed }), (value) => {
        const escaped = escapeXmlAttribute(value);
        // AttValue ::= '"' ([^<&"] | Reference)* '"' (§2.3)
        expect(escaped).not.toMatch(/[<"]/);
        expect(hasBareAmpersand(escaped)).toBe(false);
        expect(attributeAsParsed(escaped)).toBe(value);
      }),
    );
  });

  it("text reads back exactly, line ends as LF, and holds no markup", () => {
    fc.assert(
      fc.property(fc.string({ unit: allowed }), (text) => {
        const escaped = escapeXmlText(text);
        // CharData ::= [^<&]* - ([^<&]* ']]>' [^<&]*) (§2.4)
        expect(escaped).not.toMatch(/<|\]\]>/);
        expect(hasBareAmpersand(escaped)).toBe(false);
        expect(textAsParsed(escaped)).toBe(text.replace(/\r\n?/g, "\n"));
      }),
    );
  });
});
