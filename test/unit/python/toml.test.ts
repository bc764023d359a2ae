import { readFileSync } from "node:fs";
import { execaSync } from "execa";
import { describe, expect, it } from "vitest";
import { parseToml, TomlError, type TomlValue } from "../../../pipeline/modules/python/toml.js";
import { examplePath, testProjectPath } from "../../helpers/examples.js";

/** Python's own TOML reader (tomllib, 3.11+), its numbers and booleans written as TOML writes them, as ours keeps them. */
const TOMLLIB = `import json, sys, tomllib
def text(v):
    if isinstance(v, bool): return "true" if v else "false"
    if isinstance(v, dict): return {k: text(x) for k, x in v.items()}
    if isinstance(v, list): return [text(x) for x in v]
    return v if isinstance(v, str) else str(v)
print(json.dumps(text(tomllib.loads(sys.stdin.read()))))`;

const tomllib = (() => {
  try {
    return execaSync("python3", ["-c", "import tomllib"], { reject: false }).exitCode === 0;
  } catch {
    return false;
  }
})();

function pythonReads(text: string): TomlValue {
  return JSON.parse(String(execaSync("python3", ["-c", TOMLLIB], { input: text }).stdout));
}

const DOCUMENTS: Record<string, string> = {
  "tables, dotted and quoted keys": `
top = "level"  # a comment
[tool.black]
line-length = 88
target-version = ["py311", 'py312']
[tool."quoted.name"]
a.b.c = "dotted"
"key with spaces" = 'literal \\n stays'
[tool.ruff.lint]
select = [
  "E",  # pycodestyle
  "F",
]
`,
  "strings of the four kinds and escapes": `
basic = "tab\\there \\"quoted\\" \\u00e9 \\U0001F600"
literal = 'C:\\path\\to'
multi = """
first line
second "quoted" line\\
    joined"""
multi_literal = '''
raw \\n text'''
quotes = """two "" inside"""
`,
  "inline tables, arrays of tables and nested arrays": `
[dependency-groups]
test = ["pytest>=8", { include-group = "coverage" }, {include-group="lint"}]
coverage = ["coverage[toml]>=7"]
lint = []
[[tool.mypy.overrides]]
module = "a.*"
ignore_missing_imports = true
[[tool.mypy.overrides]]
module = "b"
nested = [[1, 2], ["x"]]
`,
};

describe.skipIf(!tomllib)("parseToml, compared with Python's tomllib", () => {
  it.each(Object.entries(DOCUMENTS))("reads %s as tomllib does", (_name, text) => {
    expect(parseToml(text)).toEqual(pythonReads(text));
  });

  it.each([
    ["examples/python-service/pyproject.toml", `${examplePath("python-service")}/pyproject.toml`],
    ["test/projects/python-black-precommit/pyproject.toml", `${testProjectPath("python-black-precommit")}/pyproject.toml`],
    ["test/projects/python-tox-groups/pyproject.toml", `${testProjectPath("python-tox-groups")}/pyproject.toml`],
  ])("reads %s as tomllib does", (_name, path) => {
    const text = readFileSync(path, "utf8");
    expect(parseToml(text)).toEqual(pythonReads(text));
  });
});

describe("parseToml errors", () => {
  it.each([
    ['a = "unterminated\n', 1, /unterminated string|newline/],
    ["[tool]\nx = 1\nx = 2\n", 3, /defined twice/],
    ["a = [1, 2\nb = 3\n", 2, /expected "," or "\]"/],
    ["[tool\n", 1, /expected "\]"/],
    ["a = 1 b\n", 1, /end of the line/],
    ['s = "\\q"\n', 1, /unknown escape/],
  ])("refuses %j at line %i", (text, line, reason) => {
    let error: unknown;
    try {
      parseToml(text);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TomlError);
    expect((error as TomlError).line).toBe(line);
    expect((error as TomlError).reason).toMatch(reason);
  });
});
