import { DEFAULT_TYPESCRIPT_VERSION, PACKAGE_MANAGER_DEFAULT_VERSIONS } from "./runtime-source.js";

export type PackageManager = "npm" | "yarn" | "pnpm";

/** The runtime's dependency step for a Node module, as `rt:runtime_node.go` builds it. */
export interface RuntimeInstall {
  packageManager: PackageManager;
  version: string;
  /** Why this package manager (the rule of rt:config.go:467-517 that picked it). */
  reason: string;
  /** The exec that sets the package manager up, if any (npm: rt:runtime_node.go:302-309; pnpm: 363-369; yarn: none, 248-250). */
  setup: string[] | undefined;
  /** The runtime mounts its own TypeScript at node_modules/typescript (rt:runtime_node.go:253-256, 312-316, 372-376). */
  mountsTypescript: boolean;
  /** The install exec, after copying the lockfile and .npmrc in; undefined when the runtime skips it (typescript alone: lines 258-261, 317-320, 377-380). */
  install: string[] | undefined;
  /** The files copied in for the install (rt:runtime_node.go:264-266, 325-327, 384-386). */
  copiedForInstall: string[];
}

interface PackageJson {
  packageManager?: string;
  dependencies?: Record<string, string>;
  dagger?: { runtime?: string; baseImage?: string };
}

const LOCKFILES: Record<PackageManager, string> = { npm: "package-lock.json", yarn: "yarn.lock", pnpm: "pnpm-lock.yaml" };

/**
 * What the runtime runs to give a module its dependencies, from the module
 * source's package.json (undefined when absent) and its root entries.
 * The dependencies read are the file's own, before the runtime's package.json
 * update adds typescript (rt:config.go:159-171 reads it; rt:runtime_node.go:211 updates it later).
 */
export function runtimeInstall(packageJsonText: string | undefined, rootEntries: readonly string[]): RuntimeInstall {
  const pkg = packageJsonText === undefined ? undefined : (JSON.parse(packageJsonText) as PackageJson);
  const runtime = pkg?.dagger?.runtime?.split("@")[0];
  if (runtime && runtime !== "node") throw new Error(`the ${runtime} runtime is not modelled: only Node (the default)`);
  if (rootEntries.includes("bun.lockb") || rootEntries.includes("bun.lock")) throw new Error("a bun lockfile selects the Bun runtime, which is not modelled");
  const { packageManager, version, reason } = detectPackageManager(pkg, rootEntries);
  const dependencies = pkg?.dependencies ?? {};
  const mountsTypescript = dependencies["typescript"] === DEFAULT_TYPESCRIPT_VERSION;
  const skipsInstall = mountsTypescript && Object.keys(dependencies).length <= 1;
  return {
    packageManager,
    version,
    reason,
    setup: setupArgv(packageManager, version),
    mountsTypescript,
    install: skipsInstall ? undefined : installArgv(packageManager),
    copiedForInstall: skipsInstall ? [] : [LOCKFILES[packageManager], ".npmrc"],
  };
}

/** rt:config.go:467-517: package.json's packageManager, else the first lockfile of npm, yarn, pnpm, else yarn. */
function detectPackageManager(pkg: PackageJson | undefined, entries: readonly string[]): Pick<RuntimeInstall, "packageManager" | "version" | "reason"> {
  const declared = pkg?.packageManager;
  if (declared) {
    const [name, version] = declared.split("@");
    if (!version) throw new Error("packageManager version is missing, please add it to your package.json");
    if (name !== "npm" && name !== "yarn" && name !== "pnpm") throw new Error(`detected unknown package manager: ${name}`);
    return { packageManager: name, version, reason: `package.json packageManager ${declared}` };
  }
  for (const manager of ["npm", "yarn", "pnpm"] as const) {
    if (entries.includes(LOCKFILES[manager])) {
      return { packageManager: manager, version: PACKAGE_MANAGER_DEFAULT_VERSIONS[manager], reason: `${LOCKFILES[manager]} present` };
    }
  }
  return { packageManager: "yarn", version: PACKAGE_MANAGER_DEFAULT_VERSIONS.yarn, reason: "no packageManager field and no lockfile: yarn, the default" };
}

function setupArgv(manager: PackageManager, version: string): string[] | undefined {
  if (manager === "npm") return ["sh", "-c", `npm -v | grep -qx ${version.replaceAll(".", "\\.")} || npm install -g npm@${version}`];
  if (manager === "pnpm") return ["npm", "install", "-g", `pnpm@${version}`];
  return undefined;
}

function installArgv(manager: PackageManager): string[] {
  if (manager === "npm") return ["npm", "install", "--omit=dev"];
  if (manager === "pnpm") return ["pnpm", "install", "--shamefully-hoist=true", "--prod"];
  return ["yarn", "install", "--prod"];
}

/**
 * package.json as the runtime rewrites it (rt:tsutils/package_json_updator.go:11-42):
 * type module, typescript added when absent, @dagger.io/dagger removed from both dependency lists.
 */
export function runtimePackageJson(packageJsonText: string | undefined): string {
  const pkg = (packageJsonText === undefined ? {} : JSON.parse(packageJsonText)) as Record<string, unknown> & {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  pkg["type"] = "module";
  pkg.dependencies = { typescript: DEFAULT_TYPESCRIPT_VERSION, ...pkg.dependencies };
  delete pkg.dependencies["@dagger.io/dagger"];
  if (pkg.devDependencies) delete pkg.devDependencies["@dagger.io/dagger"];
  return JSON.stringify(pkg, null, 2) + "\n";
}

/**
 * tsconfig.json as the runtime rewrites it (rt:tsutils/tsconfig_updator.go:24-52):
 * the SDK's paths pointed at ./sdk and experimentalDecorators on; the rest kept.
 */
export function runtimeTsconfig(tsconfigText: string | undefined): string {
  const config = (tsconfigText === undefined ? {} : JSON.parse(tsconfigText)) as { compilerOptions?: Record<string, unknown> };
  const options = (config.compilerOptions ??= {});
  options["paths"] = {
    ...(options["paths"] as Record<string, string[]> | undefined),
    "@dagger.io/dagger": ["./sdk/index.ts"],
    "@dagger.io/dagger/telemetry": ["./sdk/telemetry.ts"],
  };
  options["experimentalDecorators"] = true;
  return JSON.stringify(config, null, 2) + "\n";
}
