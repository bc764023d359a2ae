import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { PACKAGE_ROOT } from "../package-root.js";
import { runtimeInstall, runtimePackageJson, runtimeTsconfig, type RuntimeInstall } from "./install.js";
import { ENTRYPOINT_FILE, GEN_DIR, MOD_SOURCE_DIR_PATH, SRC_DIR } from "./runtime-source.js";
import { moduleSource, runtimeSourceFiles } from "./source-files.js";

/** The module laid out as the runtime's container holds it, on this machine. */
export interface RuntimeView {
  /** Stands for the container's `/src`. */
  root: string;
  /** `<root>/<source>`: the runtime's workdir (`/src/pipeline`). */
  modulePath: string;
  /** Where this module path is in the container. */
  containerModulePath: string;
  /** Files copied from the module source, relative to it (sorted). */
  sourceFiles: string[];
  install: RuntimeInstall;
  /** The module's main file, `<modulePath>/src/index.ts`. */
  entry: string;
  /** The runtime's entrypoint script, mounted into `src/`. */
  entrypoint: string;
}

/** The installed SDK package (its exports hide package.json: found from its main file). */
const SDK_DIR = packageDirOf(createRequire(import.meta.url).resolve("@dagger.io/dagger"), "@dagger.io/dagger");
const SDK_PACKAGE_JSON = join(SDK_DIR, "package.json");
/** The runtime mounts the TypeScript its SDK build resolved (rt:runtime_node.go:315, "typescript-library"): the SDK's own. */
const SDK_TYPESCRIPT_DIR = dirname(createRequire(SDK_PACKAGE_JSON).resolve("typescript/package.json"));

/**
 * Lays the module of the repository at `repoRoot` out as the runtime does, in
 * a folder of the system's temporary directory (so nothing of the repository
 * around it resolves), and returns it. The same module gives the same folder,
 * built once.
 *
 * What the runtime mounts is stood in for by this machine's copies: the SDK
 * library at `sdk/` (the bundle's export surface, re-exported from the real
 * package) and at `node_modules/@dagger.io/dagger` (rt:runtime_node.go:98-100),
 * the SDK's TypeScript at `node_modules/typescript` when it mounts one. A module
 * that needs an install is refused: the view would have to run it (see
 * test/runtime/install.test.ts, which does).
 */
export function runtimeView(repoRoot = PACKAGE_ROOT): RuntimeView {
  const source = moduleSource(repoRoot);
  const sourceDir = join(repoRoot, source);
  const sourceFiles = runtimeSourceFiles(sourceDir);
  const packageJsonText = readIfPresent(join(sourceDir, "package.json"));
  const install = runtimeInstall(packageJsonText, readdirSync(sourceDir));
  if (install.install) {
    throw new Error(
      `${source}/package.json: the runtime would run \`${install.install.join(" ")}\` (${install.reason}) on every cold engine.\n` +
        `  Fix: keep typescript ${"5.9.3"} its only dependency (bundle the rest into ${source}/vendor), as DESIGN.md's install facts say.`,
    );
  }
  const generated: Record<string, string> = {
    "package.json": runtimePackageJson(packageJsonText),
    "tsconfig.json": runtimeTsconfig(readIfPresent(join(sourceDir, "tsconfig.json"))),
    ...sdkShim(),
    [`${SRC_DIR}/${ENTRYPOINT_FILE}`]: ENTRYPOINT_SOURCE,
  };
  const hash = createHash("sha256").update(SDK_DIR).update(String(install.mountsTypescript));
  for (const file of sourceFiles) hash.update(`\0${file}\0`).update(readFileSync(join(sourceDir, file)));
  for (const [file, text] of Object.entries(generated)) hash.update(`\0${file}\0${text}`);
  const root = join(tmpdir(), `pipeline-runtime-view-${hash.digest("hex").slice(0, 16)}`);
  const modulePath = join(root, source);
  if (!existsSync(root)) build(root, source, sourceDir, sourceFiles, generated, install);
  return {
    root,
    modulePath,
    containerModulePath: join(MOD_SOURCE_DIR_PATH, source),
    sourceFiles,
    install,
    entry: join(modulePath, SRC_DIR, "index.ts"),
    entrypoint: join(modulePath, SRC_DIR, ENTRYPOINT_FILE),
  };
}

function build(root: string, source: string, sourceDir: string, files: string[], generated: Record<string, string>, install: RuntimeInstall): void {
  // Built aside and renamed into place, so concurrent test workers never see half a view.
  const staging = mkdtempSync(`${root}.staging-`);
  const modulePath = join(staging, source);
  const write = (path: string, contents: string | Buffer) => {
    mkdirSync(dirname(join(modulePath, path)), { recursive: true });
    writeFileSync(join(modulePath, path), contents);
  };
  for (const file of files) write(file, readFileSync(join(sourceDir, file)));
  for (const [file, text] of Object.entries(generated)) write(file, text);
  mkdirSync(join(modulePath, "node_modules/@dagger.io"), { recursive: true });
  symlinkSync(SDK_DIR, join(modulePath, "node_modules/@dagger.io/dagger"));
  if (install.mountsTypescript) symlinkSync(SDK_TYPESCRIPT_DIR, join(modulePath, "node_modules/typescript"));
  try {
    renameSync(staging, root);
  } catch (error) {
    // Another worker built the same view first: use theirs.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(root)) throw error;
  }
}

/**
 * The generated SDK library (rt:lib_generator.go:105-135): its export surface
 * (rt:tsutils/module/index.ts:1-17) re-exported from the real package, so an
 * import the bundle lacks (ExecError) fails to link here as on an engine; and a
 * client.gen.ts holding the API's declarations, which the SDK's introspector
 * reads to resolve core types such as Directory (it must be a .ts file named
 * client.gen.ts: module/introspector/typescript_module/ast.js).
 */
function sdkShim(): Record<string, string> {
  const dist = (path: string) => join(SDK_DIR, "dist/src", path);
  const quoted = (path: string) => JSON.stringify(dist(path));
  const declarations = readFileSync(dist("api/client.gen.d.ts"), "utf8").replace(
    /from "\.\.\/([^"]+)"/g,
    (_, path: string) => `from ${quoted(path)}`,
  );
  return {
    [`${GEN_DIR}/index.ts`]:
      `export { connection, connect, Context, func, check, generate, argument, object, field, enumType, entrypoint } from ${quoted("index.js")};\n` +
      `export type { ConnectOpts, CallbackFct } from ${quoted("index.js")};\n` +
      `export * from ${quoted("api/client.gen.js")};\n`,
    [`${GEN_DIR}/client.gen.ts`]: declarations,
    [`${GEN_DIR}/telemetry.ts`]: `export * from ${quoted("telemetry/index.js")};\n`,
  };
}

/**
 * The runtime's entrypoint, as rt:tsutils/bin/__dagger.entrypoint.ts:8-42 behaves:
 * every .ts and .mts file under src/ (its own folder, recursively) and the SDK's
 * client.gen.ts, handed to the SDK's entrypoint, which imports them all.
 */
const ENTRYPOINT_SOURCE = `import { entrypoint } from "@dagger.io/dagger";
import { readdirSync, statSync } from "node:fs";
import { extname, join } from "node:path";

function moduleFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return moduleFiles(path);
    return [".ts", ".mts"].includes(extname(path)) ? [path] : [];
  });
}

entrypoint([...moduleFiles(import.meta.dirname), join(import.meta.dirname, "../sdk/client.gen.ts")]);
`;

function packageDirOf(file: string, name: string): string {
  const marker = `/node_modules/${name}/`;
  const at = file.lastIndexOf(marker);
  if (at < 0) throw new Error(`${file} is not inside a node_modules/${name} package`);
  return file.slice(0, at + marker.length - 1);
}

function readIfPresent(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, "utf8") : undefined;
}
