import { posix } from "node:path";
import { dag, ReturnType, type Container, type Directory, type Secret } from "@dagger.io/dagger";
import { NON_ROOT_HOME, NON_ROOT_USER } from "../non-root.js";
import { describeSignal } from "../tool-exit.js";
import { ASKPASS_SCRIPT, toolOf, type DeployRunner, type DeployTool, type StepResult, type ToolStep } from "./runner.js";

/** The pinned image of each deploy tool (pins.ts DEPLOY_IMAGES, or pipeline.yaml's deploy.images). */
export type DeployImages = Record<DeployTool, string>;

/**
 * Each tool's binary in its image: on PATH in all but the kustomize image,
 * which keeps it at /app/kustomize (what images copying it from there use).
 */
const BINARIES: Record<DeployTool, string> = { kubectl: "kubectl", kustomize: "/app/kustomize", helm: "helm", curl: "curl", git: "git" };

/** Where the workspace (the project folder, plus what the steps wrote) is in every tool container. */
export const WORKSPACE = "/work";
const KUBECONFIG_PATH = "/run/secrets/kubeconfig";
const GIT_TOKEN_PATH = "/run/secrets/git-token";
const ASKPASS_PATH = "/run/pipeline/git-askpass";

export interface DaggerRunnerOptions {
  images: DeployImages;
  /** The project folder the overlay, chart and values paths are relative to. */
  workspace: Directory;
  kubeconfig: Secret | undefined;
  gitToken: Secret | undefined;
  gitUsername: string;
  /** Unique per call: every live step carries it, so the engine never answers a cluster or network step from its cache. */
  runId: string;
}

/**
 * Runs each step in its tool's pinned image, as the non-root user, in a copy
 * of the workspace; a step that writes hands the changed workspace to the next.
 * Secrets reach a step only as files mounted for it (owner-read-only) and
 * pointed at by path: KUBECONFIG, and git's askpass reading the token file.
 */
export function daggerRunner(options: DaggerRunnerOptions): DeployRunner & { workspace(): Directory } {
  let workspace = options.workspace;
  let live = 0;
  const container = (step: ToolStep): Container => {
    const tool = toolOf(step.argv);
    let c = dag
      .container()
      .from(options.images[tool])
      .withUser(NON_ROOT_USER)
      .withEnvVariable("HOME", NON_ROOT_HOME)
      .withDirectory(WORKSPACE, workspace, { owner: NON_ROOT_USER })
      .withWorkdir(posix.join(WORKSPACE, step.cwd ?? "."));
    if (step.kubeconfig) {
      if (!options.kubeconfig) throw new Error(`${step.argv.join(" ")} needs the cluster, and no --kubeconfig was given`);
      c = c.withMountedSecret(KUBECONFIG_PATH, options.kubeconfig, { owner: NON_ROOT_USER, mode: 0o400 }).withEnvVariable("KUBECONFIG", KUBECONFIG_PATH);
    }
    if (tool === "git") c = c.withEnvVariable("GIT_TERMINAL_PROMPT", "0");
    if (step.gitToken && options.gitToken) {
      c = c
        .withMountedSecret(GIT_TOKEN_PATH, options.gitToken, { owner: NON_ROOT_USER, mode: 0o400 })
        .withNewFile(ASKPASS_PATH, ASKPASS_SCRIPT, { permissions: 0o555 })
        .withEnvVariable("GIT_ASKPASS", ASKPASS_PATH)
        .withEnvVariable("PIPELINE_GIT_USERNAME", options.gitUsername)
        .withEnvVariable("PIPELINE_GIT_TOKEN_FILE", GIT_TOKEN_PATH);
    }
    if (step.live) c = c.withEnvVariable("PIPELINE_DEPLOY_RUN", `${options.runId}/${++live}`);
    return c;
  };
  return {
    async run(step: ToolStep): Promise<StepResult> {
      const ran = container(step).withExec([BINARIES[toolOf(step.argv)], ...step.argv.slice(1)], { expect: ReturnType.Any });
      try {
        const [exitCode, stdout, stderr] = await Promise.all([ran.exitCode(), ran.stdout(), ran.stderr()]);
        if (step.writes) workspace = ran.directory(WORKSPACE);
        return { exitCode, stdout, stderr };
      } catch (error) {
        // The engine throws on exits 128-191 (a signal) whatever `expect` says; the module bundle has no ExecError to test for.
        const { exitCode, stdout, stderr } = (error ?? {}) as { exitCode?: unknown; stdout?: unknown; stderr?: unknown };
        if (typeof exitCode !== "number") throw error;
        const signal = exitCode > 128 && exitCode < 192 ? `\nkilled by signal ${describeSignal(exitCode - 128)}` : "";
        return { exitCode, stdout: typeof stdout === "string" ? stdout : "", stderr: `${typeof stderr === "string" ? stderr : ""}${signal}` };
      }
    },
    writeFile(path: string, contents: string): Promise<void> {
      workspace = workspace.withNewFile(path, contents);
      return Promise.resolve();
    },
    sleep: (ms: number) => new Promise((resolve) => setTimeout(resolve, ms)),
    now: () => performance.now(),
    workspace: () => workspace,
  };
}
