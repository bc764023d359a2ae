import { describe, expect, it } from "vitest";
import type { CallRecord } from "../../cli/recording-engine/engine.js";
import { argText, type Step } from "../../cli/recording-engine/query.js";
import { recordRun } from "../../cli/recording-engine/run.js";
import { copyExample, type ExampleName } from "../helpers/examples.js";
import { pipelineOn } from "../helpers/pipeline.js";
import { envOf, execChainsOf } from "../helpers/records.js";

/**
 * Cache volumes sit at flat paths the tools are pointed at by env: a mount
 * under a user's $HOME makes the engine create the folders above it as root,
 * and the non-root user then cannot write its own dotfiles there.
 */

/** Each cache volume and the variable that points its tool at it. */
const CACHE_ENV: Record<string, string> = {
  "go-mod": "GOMODCACHE",
  "go-build": "GOCACHE",
  "golangci-lint": "GOLANGCI_LINT_CACHE",
  npm: "npm_config_cache",
  corepack: "COREPACK_HOME",
  "pnpm-store": "npm_config_store_dir",
  yarn: "YARN_CACHE_FOLDER",
  pip: "PIP_CACHE_DIR",
  "osv-scanner": "OSV_SCANNER_LOCAL_DB_CACHE_DIRECTORY",
};

/** Cache volumes their tool is pointed at by a flag instead. */
const CACHE_FLAG: Record<string, string> = { trivy: "--cache-dir", "pip-audit": "--cache-dir" };

/** Tools that keep nothing worth a cache, each for its reason. */
const NO_CACHE: Record<string, string> = {
  gitleaks: "its rules are built in, and it reads only the files it is given",
  hadolint: "its rules are built in",
  bandit: "its rules are built in",
  semgrep: "the rules are the bundled file and the project's .semgrep/, never a registry download",
};

/** The images' passwd homes, for an exec without HOME in its env. */
const PASSWD_HOME: Record<string, string> = { root: "/root", node: "/home/node" };

interface ExecView {
  argv: string[];
  home: string;
  env: Record<string, string>;
  caches: { path: string; volume: string }[];
}

/** Every exec of the recorded graphs, with the HOME of the user it ran as and the caches mounted in it. */
function execViews(records: readonly CallRecord[]): ExecView[] {
  return execChainsOf(records).map(({ argv, chain }) => {
    const env = envOf(chain);
    const user = argText([...chain].reverse().find((s) => s.field === "withUser")?.args["name"] ?? "root");
    return {
      argv,
      home: env["HOME"] ?? PASSWD_HOME[user] ?? `(no home known for ${user})`,
      env,
      caches: cachesInForce(chain),
    };
  });
}

/** The cache mounts at the end of a chain: withMountedCache adds, withoutMount removes. */
function cachesInForce(chain: readonly Step[]): { path: string; volume: string }[] {
  const mounts = new Map<string, string>();
  for (const step of chain) {
    if (step.field === "withMountedCache") mounts.set(argText(step.args["path"]), volumeKey(step));
    if (step.field === "withoutMount") mounts.delete(argText(step.args["path"]));
  }
  return [...mounts].map(([path, volume]) => ({ path, volume }));
}

function volumeKey(mount: Step): string {
  const cache = mount.args["cache"] as { $chain: Step[] };
  return argText(cache.$chain[0]!.args["key"]);
}

const PROJECTS: [ExampleName, Record<string, string>][] = [
  ["go-service", {}],
  ["go-service", { ".golangci.yml": "linters:\n  enable: [errcheck]\n" }],
  ["node-service", {}],
  ["python-service", {}],
];

describe("cache mounts", () => {
  it.each(PROJECTS)("%s %j: no cache under the running user's HOME, each tool pointed at its cache by env", async (name, files) => {
    const { engine } = await recordRun(async () => (await pipelineOn(copyExample(name, files))).ci());
    const views = execViews(engine.records);
    expect(views.length).toBeGreaterThan(3);
    for (const view of views) {
      expect(view.caches.length === 0, view.argv.join(" ")).toBe(view.argv[0]! in NO_CACHE);
      for (const cache of view.caches) {
        const where = `${view.argv.join(" ")}: ${cache.path}`;
        expect(cache.path === view.home || cache.path.startsWith(`${view.home}/`), `${where} is under HOME ${view.home}`).toBe(false);
        expect(cache.path.startsWith("/home/") || cache.path.startsWith("/root/"), where).toBe(false);
        const flag = CACHE_FLAG[cache.volume];
        const pointer = flag && view.argv.includes(flag) ? view.argv[view.argv.indexOf(flag) + 1] : view.env[CACHE_ENV[cache.volume] ?? `(no variable known for the ${cache.volume} volume)`];
        expect(pointer, where).toBe(cache.path);
      }
    }
  });
});
