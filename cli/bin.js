#!/usr/bin/env node
// `node cli/bin.js` in a checkout: the compiled CLI that `npm ci` (its prepare script) or `npm run build` writes to dist/.
import { existsSync } from "node:fs";

const bin = new URL("../dist/bin.js", import.meta.url);
if (existsSync(bin)) await import(bin.href);
else {
  process.stderr.write("error: pipeline is not built in this checkout.\n  Fix: run npm ci (or npm run build) first.\n");
  process.exitCode = 1;
}
