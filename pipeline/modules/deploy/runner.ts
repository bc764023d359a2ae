/**
 * What a deploy needs from wherever it runs: run one tool's argv in the
 * workspace (the project's files plus what earlier steps wrote), write a file
 * there, and wait. The module's runner (index.ts) runs each step in the tool's
 * pinned image on the Dagger engine; the real-tool tests run the same steps
 * with the real binaries, so one procedure is tested both ways.
 */
export type DeployTool = "kubectl" | "kustomize" | "helm" | "curl" | "git";

export interface ToolStep {
  /** argv[0] is the tool's name; the runner finds its binary. */
  argv: string[];
  /** Folder to run in, relative to the workspace root (default: the root). */
  cwd?: string;
  /**
   * Reads or changes the cluster, a remote or the network: run anew every time
   * (never an engine's cached result, which would be an old answer).
   */
  live: boolean;
  /** Gets the kubeconfig (mounted as a secret file, its path in KUBECONFIG). */
  kubeconfig?: boolean;
  /** Gets the GitOps token (a secret file that git's askpass reads). */
  gitToken?: boolean;
  /** Changes workspace files the next steps must see (kustomize edit, git clone and commit). */
  writes?: boolean;
}

export interface StepResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface DeployRunner {
  run(step: ToolStep): Promise<StepResult>;
  /** Writes a file in the workspace (the rendered manifests, a values file). */
  writeFile(path: string, contents: string): Promise<void>;
  sleep(ms: number): Promise<void>;
  /** Milliseconds on a monotonic clock. */
  now(): number;
}

export function toolOf(argv: readonly string[]): DeployTool {
  const tool = argv[0];
  if (tool === "kubectl" || tool === "kustomize" || tool === "helm" || tool === "curl" || tool === "git") return tool;
  throw new Error(`not a deploy tool: ${String(tool)}`);
}

/**
 * git's askpass program for the GitOps token: a constant script (no value is
 * ever put into it) that answers the username prompt from an env variable and
 * the password prompt from the secret file, so the token is in no argv, no env
 * value and no URL.
 */
export const ASKPASS_SCRIPT = ["#!/bin/sh", 'case "$1" in', '  Username*) printf "%s\\n" "$PIPELINE_GIT_USERNAME" ;;', '  *) cat "$PIPELINE_GIT_TOKEN_FILE" ;;', "esac", ""].join("\n");
