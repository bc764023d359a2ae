import assert from "node:assert/strict";
import { test } from "node:test";
// The build output: there only if `prepare` ran after the source was copied.
import { version } from "../dist/version.js";

test("tests the built module", () => {
  assert.equal(version, "1.0.0-built");
});
