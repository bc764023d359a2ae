import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../pipeline/src/config/load.js";
import { pipelineJsonSchema } from "../../pipeline/src/config/schema.js";

describe("pipeline.schema.json", () => {
  it("is the committed export of the zod schema (regenerate with npm run schema)", () => {
    const committed = JSON.parse(readFileSync(new URL("../../pipeline.schema.json", import.meta.url), "utf8"));
    expect(committed).toEqual(pipelineJsonSchema());
  });

  it("documents every key, at every depth, and rejects unknown ones", () => {
    const schema = pipelineJsonSchema();
    expect(schema["additionalProperties"]).toBe(false);
    // Keys sit under `properties` anywhere: in sections, list items (items), maps (additionalProperties), anyOf branches.
    const undocumented: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (Array.isArray(node)) return node.forEach((child) => walk(child, path));
      if (node === null || typeof node !== "object") return;
      for (const [field, child] of Object.entries(node)) {
        if (field !== "properties") {
          walk(child, field === "items" || field === "additionalProperties" ? `${path}[]` : path);
          continue;
        }
        for (const [key, value] of Object.entries(child as Record<string, { description?: string }>)) {
          if (!value.description) undocumented.push(`${path}${path ? "." : ""}${key}`);
          walk(value, `${path}${path ? "." : ""}${key}`);
        }
      }
    };
    walk(schema, "");
    expect(undocumented).toEqual([]);
  });

  it("keeps the defaults of sections that may be left empty, and allows null only there", () => {
    const schema = pipelineJsonSchema() as { properties: Record<string, { type?: unknown; default?: unknown }> };
    expect(schema.properties["stages"]).toMatchObject({ type: ["object", "null"], default: { bench: { count: 6 } } });
    expect(schema.properties["release"]).toMatchObject({ type: ["object", "null"], default: { dockerfile: "Dockerfile" } });
    expect(schema.properties["workdir"]).toMatchObject({ type: "string", default: "." });
  });

  // What an editor flags is what `pipeline validate` rejects: the same patterns, bounds and null handling.
  const digest = `sha256:${"ab".repeat(32)}`;
  // Formats as editors check them (release.apiUrl is a uri); ajv-formats is CommonJS, its default export wrapped under NodeNext.
  const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;
  const validate = addFormats(new Ajv2020({ strict: true, allErrors: true })).compile(pipelineJsonSchema());
  it.each([
    "",
    "stages:\n",
    "stages:\n  test:\n  bench:\n    commands:\n",
    "release:\n  platforms:\n",
    "release:\n  platforms: []\n",
    "stages:\n  test:\n    coverageThreshold:\n",
    "stages:\n  bench:\n    count: 3\n",
    "stages:\n  bench:\n    count: 4\n",
    "stages:\n  propertyTest:\n    iterations: 1.5\n",
    "images:\n  go: golang:latest\n",
    "images:\n  go: golang\n",
    "images:\n  go: node:lts-slim\n",
    "images:\n  go: golang:1.23.4-bookworm\n",
    `images:\n  go: golang:latest@${digest}\n`,
    "images:\n  go: localhost:5000/go:1.2\n",
    "workdir: ../x\n",
    "workdir: services/../x\n",
    "workdir: 'C:\\x'\n",
    "workdir: services/api\n",
    "workdir: ''\n",
    "stages:\n  bench:\n    baseline: /tmp/b.json\n",
    "release:\n  dockerfile: docker/Dockerfile\n",
    "release:\n  dockerfile: ../Dockerfile\n",
    "release:\n  binaries:\n",
    "release:\n  apiUrl: https://github.example.com/api/v3\n",
    "release:\n  apiUrl: github.example.com\n",
  ])("the JSON Schema and the loader agree on %j", (text) => {
    const data: unknown = parse(text) ?? {};
    expect(validate(data), JSON.stringify(validate.errors)).toBe(loadConfig(text).ok);
  });
});
