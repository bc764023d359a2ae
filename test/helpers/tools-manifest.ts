import { readFileSync } from "node:fs";
import { REPO } from "./examples.js";

/** The manifest of the real tools the tests run (installed by .ci/run). */
export const TOOLS_MANIFEST = "tools/requirements.txt";

/** A requirement line, `name==version`: the name as written and normalized (PEP 503), the exact version. */
export interface Pin {
  line: string;
  name: string;
  version: string;
}

/** PEP 503: pip treats `Pytest_Cov`, `pytest.cov` and `pytest-cov` as one project. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

/**
 * The requirement lines of a requirements file (comments and blank lines
 * dropped), each read as an exact `==` pin; a line that is anything else
 * (a range, an option, an extra) throws, naming it.
 */
export function readPins(text: string): Pin[] {
  return text
    .split("\n")
    .map((line) => line.replace(/(^|\s)#.*$/, "").trim())
    .filter((line) => line !== "")
    .map((line) => {
      const pin = /^([A-Za-z0-9][A-Za-z0-9._-]*)==([0-9][0-9A-Za-z.+!-]*)$/.exec(line);
      if (!pin) throw new Error(`not an exact name==version pin: ${line}`);
      return { line, name: normalizeName(pin[1]!), version: pin[2]! };
    });
}

/** tools/requirements.txt's pins. */
export function toolPins(): Pin[] {
  return readPins(readFileSync(`${REPO}${TOOLS_MANIFEST}`, "utf8"));
}
