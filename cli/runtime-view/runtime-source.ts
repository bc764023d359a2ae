/**
 * What Dagger's TypeScript runtime does with a module, as read from its source
 * (dagger/dagger `sdk/typescript/runtime/` at v0.21.8; the 0.21.9 runtime differs
 * only in its own dagger.json). Each constant names the lines it mirrors, cited as
 * `rt:<file>:<line>`. Re-read them on every Dagger upgrade: test/runtime/ encodes them.
 */

/** The module's context is mounted here; the module source at `/src/<source>`, also the workdir (rt:main.go:27, rt:config.go:527-529, rt:runtime_node.go:29). */
export const MOD_SOURCE_DIR_PATH = "/src";

/** The folder whose `.ts` files the entrypoint imports at every call (rt:main.go:30, rt:tsutils/bin/__dagger.entrypoint.ts:6-38). */
export const SRC_DIR = "src";

/** The generated SDK library, mounted beside `src/` (rt:main.go:31, rt:runtime_node.go:98). */
export const GEN_DIR = "sdk";

/** The entrypoint file mounted into `src/` (rt:main.go:28, rt:runtime_node.go:94,104). */
export const ENTRYPOINT_FILE = "__dagger.entrypoint.ts";

/**
 * Files left out of the copied source, at its root only (rt:config.go:540-551 excludes
 * moduleConfigFiles(".") plus "sdk" and "node_modules"; rt:config.go:561-583 lists them).
 */
export const MODULE_CONFIG_FILES = [
  "package.json",
  "tsconfig.json",
  "pnpm-workspace.yaml",
  ".yarnrc.yml",
  "package-lock.json",
  "yarn.lock",
  "pnpm-lock.yaml",
  "bun.lockb",
  "bun.lock",
  "bunfig.toml",
  "deno.json",
  "deno.lock",
] as const;
export const EXCLUDED_FROM_SOURCE = [...MODULE_CONFIG_FILES, GEN_DIR, "node_modules"] as const;

/** The TypeScript version the runtime mounts instead of installing (rt:tsdistconsts/consts.go:22). */
export const DEFAULT_TYPESCRIPT_VERSION = "5.9.3";

/** Package-manager versions the runtime uses when package.json names none (rt:config.go:33-38). */
export const PACKAGE_MANAGER_DEFAULT_VERSIONS = { pnpm: "8.15.4", yarn: "1.22.22", npm: "11.8.0" } as const;

/** The runtime container's base image (rt:tsdistconsts/consts.go:6-8). */
export const RUNTIME_NODE_IMAGE =
  "node:24.13.1-alpine@sha256:4f696fbf39f383c1e486030ba6b289a5d9af541642fc78ab197e584a113b9c03";

/** What the runtime's entrypoint runs: tsx with the module's tsconfig (rt:runtime_node.go:105-107). */
export const ENTRYPOINT_ARGV = (modulePath: string) => [
  "tsx",
  "--no-deprecation",
  "--tsconfig",
  `${modulePath}/tsconfig.json`,
  `${modulePath}/${SRC_DIR}/${ENTRYPOINT_FILE}`,
];
