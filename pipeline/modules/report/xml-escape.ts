/**
 * Escaping for the XML writers (JUnit, Cobertura): test output carries
 * colour codes and control characters that XML 1.0 cannot hold at all.
 */

import { stripAnsi } from "./ansi.js";

// Characters XML 1.0 forbids even as references: C0 controls but tab, LF, CR;
// lone surrogates; U+FFFE and U+FFFF.
// eslint-disable-next-line no-control-regex -- these control characters are what must be replaced
const INVALID_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escapes text content; characters XML 1.0 cannot carry become U+FFFD (as Go's encoding/xml does). */
export function escapeXmlText(text: string): string {
  return stripAnsi(text)
    .replace(INVALID_XML_CHARS, "\uFFFD")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}

/** Escapes an attribute value, keeping newlines and tabs as references so parsers do not normalize them away. */
export function escapeXmlAttribute(value: string): string {
  return escapeXmlText(value).replace(/"/g, "&quot;").replace(/\n/g, "&#10;").replace(/\r/g, "&#13;").replace(/\t/g, "&#9;");
}

/** ` key="value"` pairs for a start tag, escaped, in the order given. */
export function xmlAttributes(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([key, value]) => ` ${key}="${escapeXmlAttribute(String(value))}"`)
    .join("");
}
