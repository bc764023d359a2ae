// A stand-in linter: fails when a source file has a tab, so a test can make it fail.
const { readFileSync } = require("node:fs");
if (readFileSync("sum.js", "utf8").includes("\t")) {
  console.error("sum.js: tab found");
  process.exit(1);
}
console.log("check:lint clean");
