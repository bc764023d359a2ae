import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { execa } from "execa";
import { ASKPASS_SCRIPT, toolOf, type DeployRunner, type StepResult, type ToolStep } from "../../pipeline/modules/deploy/runner.js";
import { tempDir } from "./examples.js";

/**
 * The deploy's steps run on this machine with the real binaries, as the
 * module's runner runs them in containers: each argv as built, in the
 * workspace folder, with a clean environment that gets the kubeconfig's path
 * (KUBECONFIG) or the git askpass and token file only on the steps that ask
 * for them. Not a stand-in for the procedure: the same procedure, another place.
 */

/** Where .ci/run installs the Go tools (tools/go-tools.txt) and builds the Kubernetes binaries (tools/kubernetes). */
export const TOOLS_HOME = join(process.env["XDG_CACHE_HOME"] ?? join(homedir(), ".cache"), "pipeline-test-tools");
export const GO_BIN = process.env["PIPELINE_GO_TOOLS"] ?? join(TOOLS_HOME, "go-bin");
export const KUBE_BIN = join(process.env["PIPELINE_KUBE_TOOLS"] ?? join(TOOLS_HOME, "kubernetes"), "bin");

/** A tool's binary: the pinned build .ci/run made, else one on PATH; undefined when neither exists. */
export async function findTool(name: string): Promise<string | undefined> {
  for (const dir of [KUBE_BIN, GO_BIN]) if (existsSync(join(dir, name))) return join(dir, name);
  const found = await execa("sh", ["-c", 'command -v "$1"', "sh", name], { reject: false });
  return found.exitCode === 0 ? String(found.stdout).trim() : undefined;
}

export interface HostRunnerOptions {
  /** The workspace folder (a copy of the project). */
  workspace: string;
  binaries: Partial<Record<"kubectl" | "kustomize" | "helm" | "curl" | "git", string>>;
  kubeconfig?: string;
  /** The GitOps token, written to a file the askpass script reads. */
  gitToken?: string;
  gitUsername?: string;
  /** Called before each step (a test's hook, e.g. to move a branch before a push). */
  beforeStep?: (step: ToolStep) => Promise<void>;
}

export function hostRunner(options: HostRunnerOptions): DeployRunner & { ran: ToolStep[] } {
  const home = tempDir("deploy-home-");
  const ran: ToolStep[] = [];
  const secrets = tempDir("deploy-secrets-");
  let askpass: { script: string; token: string } | undefined;
  if (options.gitToken !== undefined) {
    const script = join(secrets, "git-askpass");
    const token = join(secrets, "git-token");
    writeFileSync(script, ASKPASS_SCRIPT);
    chmodSync(script, 0o555);
    writeFileSync(token, options.gitToken, { mode: 0o400 });
    askpass = { script, token };
  }
  return {
    ran,
    async run(step: ToolStep): Promise<StepResult> {
      await options.beforeStep?.(step);
      ran.push(step);
      const tool = toolOf(step.argv);
      const binary = options.binaries[tool];
      if (!binary) throw new Error(`no ${tool} binary given to the host runner`);
      const env: Record<string, string> = { PATH: [dirname(binary), "/usr/bin", "/bin"].join(delimiter), HOME: home, GIT_CONFIG_NOSYSTEM: "1", LANG: "C" };
      if (step.kubeconfig) {
        if (!options.kubeconfig) throw new Error(`${step.argv.join(" ")} needs a kubeconfig`);
        env["KUBECONFIG"] = options.kubeconfig;
      }
      if (tool === "git") env["GIT_TERMINAL_PROMPT"] = "0";
      if (step.gitToken && askpass) Object.assign(env, { GIT_ASKPASS: askpass.script, PIPELINE_GIT_USERNAME: options.gitUsername ?? "x-access-token", PIPELINE_GIT_TOKEN_FILE: askpass.token });
      const result = await execa(binary, step.argv.slice(1), { cwd: join(options.workspace, step.cwd ?? "."), env, extendEnv: false, reject: false, stdin: "ignore" });
      return { exitCode: result.exitCode ?? 1, stdout: String(result.stdout), stderr: String(result.stderr) };
    },
    writeFile(path: string, contents: string): Promise<void> {
      mkdirSync(dirname(join(options.workspace, path)), { recursive: true });
      writeFileSync(join(options.workspace, path), contents);
      return Promise.resolve();
    },
    sleep: (ms: number) => new Promise((resolve) => setTimeout(resolve, ms)),
    now: () => performance.now(),
  };
}
