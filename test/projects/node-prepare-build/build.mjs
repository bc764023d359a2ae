// The build the `prepare` script runs: it reads the source, so it cannot run before the source is there.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";

mkdirSync("dist", { recursive: true });
writeFileSync("dist/version.js", readFileSync("src/version.js", "utf8").replace("__BUILT__", "built"));
