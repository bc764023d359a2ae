const assert = require("node:assert/strict");
const { test } = require("node:test");
const { shout } = require("../index.js");

test("shouts the greeting of the other workspace", () => {
  assert.equal(shout("ada"), process.env.FAILDEMO === "1" ? "hello ada" : "HELLO ADA");
});
