import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isSecretReference, notAReferenceMessage, shownReference } from "../../cli/secret-reference.js";

/**
 * What `dagger call` takes for a Secret argument: a whole value of the form
 * env://NAME, file://path or cmd://command, the scheme first. A literal that
 * merely contains one (a token with "env://x" inside) is the secret itself.
 */
describe("isSecretReference", () => {
  it.each(["env://REGISTRY_TOKEN", "env://X", "file://.npmrc", "file:///run/secrets/token", "cmd://op read op://vault/token", "cmd://x"])("takes %j", (value) => {
    expect(isSecretReference(value)).toBe(true);
  });

  it.each([
    ["a literal that contains a reference", "hunter2env://X"],
    ["a reference after a space", " env://X"],
    ["a literal on the line before one", "hunter2\nenv://X"],
    ["a scheme with nothing after it", "env://"],
    ["another scheme", "https://example.com/token"],
    ["a single slash", "env:/X"],
    ["the secret itself", "ghp_0123456789abcdef"],
    ["nothing", ""],
  ])("refuses %s (%j)", (_, value) => {
    expect(isSecretReference(value)).toBe(false);
  });

  it("refuses any text with a reference anywhere but at its start", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.constantFrom("env", "file", "cmd"), fc.string({ minLength: 1 }), (before, scheme, after) => {
        fc.pre(!/^(env|file|cmd):\/\//.test(before));
        expect(isSecretReference(`${before}${scheme}://${after}`)).toBe(false);
      }),
    );
  });
});

describe("shownReference", () => {
  it("keeps env:// and file:// references and hides a cmd:// command line whole, every line of it", () => {
    expect(shownReference("env://REGISTRY_TOKEN")).toBe("env://REGISTRY_TOKEN");
    expect(shownReference("file://.npmrc")).toBe("file://.npmrc");
    expect(shownReference("cmd://echo hunter2")).toBe("cmd://…");
    expect(shownReference("cmd://printf '%s'\nhunter2")).toBe("cmd://…");
  });

  it("hides only a reference whose scheme is cmd://, not a file path that merely contains one", () => {
    expect(shownReference("file://secrets/cmd://token")).toBe("file://secrets/cmd://token");
  });
});

describe("notAReferenceMessage", () => {
  it("names the flag, what it takes, and the corrected flag, on a headline and a Fix line", () => {
    expect(notAReferenceMessage("--registry-token", "--registry-token env://REGISTRY_TOKEN").split("\n")).toEqual([
      "--registry-token takes a secret reference (env://NAME, file://path or cmd://command), never the secret itself.",
      "  Fix: put the secret in an environment variable or a file and pass --registry-token env://REGISTRY_TOKEN (or file://path).",
    ]);
  });
});
