const assert = require("node:assert/strict");
const { test } = require("node:test");
const { greet } = require("../index.js");

test("greets by name", () => {
  assert.equal(greet("ada"), "hello ada");
});
