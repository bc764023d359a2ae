/**
 * Every pinned version the pipeline runs, in one place: upgrading a tool is
 * one edit here (or an override in pipeline.yaml's `images`). The Dagger
 * engine and SDK pins live in dagger.json (`engineVersion`) and package.json
 * (`@dagger.io/dagger`); `test/layout/pins.test.ts` keeps them on the same version.
 */
export const IMAGES = {
  go: "golang:1.23.4-bookworm",
  golangciLint: "golangci/golangci-lint:v1.63.4",
  node: "node:22.12.0-bookworm-slim",
  // 3.11: what Debian 12 ships, so the examples' pinned dev tools match the real-tool tests here.
  python: "python:3.11.11-slim-bookworm",
} as const;

/** Python tools installed next to the project's own requirements (no image pins them). */
export const PYTHON_TOOLS = [
  "pytest==8.3.4",
  "pytest-cov==6.0.0",
  "pytest-benchmark==5.1.0",
  "hypothesis==6.122.3",
  "ruff==0.8.4",
] as const;
