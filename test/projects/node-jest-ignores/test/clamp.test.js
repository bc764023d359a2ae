const { clamp } = require("../clamp.js");

test("clamps below", () => {
  expect(clamp(-5, 0, 10)).toBe(0);
});

test("clamps above", () => {
  expect(clamp(50, 0, 10)).toBe(10);
});
