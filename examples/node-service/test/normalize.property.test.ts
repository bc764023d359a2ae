import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { slugify } from "../src/slug.js";
import { normalizeUrl } from "../src/url.js";

// No numRuns here: the pipeline's property stage sets it from pipeline.yaml
// (stages.propertyTest.iterations); run by hand, fast-check's default (100) applies.

const anyText = fc.string({ unit: "binary", maxLength: 60 });
const maxLength = fc.integer({ min: 1, max: 100 });
const word = fc.stringMatching(/^[a-z0-9]{1,8}$/);

describe("slugify properties", () => {
  it("always yields lower-case ASCII words joined by single hyphens, within maxLength", () => {
    fc.assert(
      fc.property(anyText, maxLength, (text, max) => {
        const slug = slugify(text, { maxLength: max });
        assert.match(slug, /^(?:[a-z0-9]+(?:-[a-z0-9]+)*)?$/);
        assert.ok(slug.length <= max);
      }),
    );
  });

  it("is idempotent", () => {
    fc.assert(
      fc.property(anyText, maxLength, (text, max) => {
        const once = slugify(text, { maxLength: max });
        assert.equal(slugify(once, { maxLength: max }), once);
      }),
    );
  });

  it("truncates to a prefix of the full slug, at a word boundary when it can", () => {
    fc.assert(
      fc.property(anyText, maxLength, (text, max) => {
        const full = slugify(text, { maxLength: 10_000 });
        const cut = slugify(text, { maxLength: max });
        assert.ok(full.startsWith(cut));
        const firstWord = full.split("-")[0] ?? "";
        if (cut.length > 0 && cut.length < full.length && firstWord.length <= max) {
          assert.equal(full[cut.length], "-");
        }
      }),
    );
  });

  it("keeps plain words unchanged", () => {
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 10 }), (words) => {
        assert.equal(slugify(words.join(" "), { maxLength: 10_000 }), words.join("-"));
      }),
    );
  });
});

const webUrl = fc.webUrl({ withQueryParameters: true, withFragments: true });

describe("normalizeUrl properties", () => {
  it("is idempotent", () => {
    fc.assert(
      fc.property(webUrl, (url) => {
        const once = normalizeUrl(url);
        assert.equal(normalizeUrl(once), once);
      }),
    );
  });

  it("drops fragments and sorts the query", () => {
    fc.assert(
      fc.property(webUrl, (url) => {
        const out = new URL(normalizeUrl(url));
        assert.equal(out.hash, "");
        const keys = [...out.searchParams.keys()];
        assert.deepEqual(keys, [...keys].sort());
      }),
    );
  });

  it("ignores tracking parameters, fragments and the case of scheme and host", () => {
    const tracking = fc.constantFrom("utm_source", "utm_campaign", "gclid", "fbclid");
    fc.assert(
      fc.property(webUrl, tracking, fc.string(), fc.string(), (url, key, value, hash) => {
        const noisy = new URL(url);
        noisy.searchParams.append(key, value);
        noisy.hash = hash;
        const shouted = noisy.href.replace(/^[^/]*\/\/[^/?#]*/, (origin) => origin.toUpperCase());
        assert.equal(normalizeUrl(shouted), normalizeUrl(url));
      }),
    );
  });
});
