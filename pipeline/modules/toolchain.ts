import type { Container, Directory } from "@dagger.io/dagger";
import type { RegistryAccess, StageSetup } from "./call-inputs.js";
import type { Project } from "./project.js";
import type { StageResult } from "./stage.js";
import type { BenchGateOptions } from "./verdicts.js";

/** What every toolchain gets from pipeline.yaml, already defaulted. */
export interface ToolchainOptions {
  images: { go: string; golangciLint: string; node: string; python: string };
  /** Go only: run tests with the race detector. */
  race: boolean;
  /** Percent; 0 disables the coverage gate. */
  coverageThreshold: number;
  /** Cases per property test. */
  iterations: number;
  /** The project's folder in the repository (pipeline.yaml `workdir`), for repository-relative report paths. */
  workdir: string;
  /** `--rerun`: set on the tool execs only (see withRerun). */
  rerun: string | undefined;
  /** Private registries, for the install steps. */
  registries: RegistryAccess;
  /** The stage's own secrets, timeout and before commands, added after the installs (see withStageSetup). */
  stage?: StageSetup | undefined;
  /**
   * A folder holding the checkout's `.git` (the call's --git), for what reads the history (the secret
   * scan: mount it beside the repository's files); undefined when the call gave none.
   */
  gitCheckout?: Directory | undefined;
}

/** A language's stages. Each resolves to a verdict; none throws on a failing tool. */
export interface Toolchain {
  language: string;
  /** The container with dependencies installed and the source in place, for configured commands. */
  container(project: Project, options: ToolchainOptions): Container;
  lint(project: Project, options: ToolchainOptions): Promise<StageResult>;
  test(project: Project, options: ToolchainOptions): Promise<StageResult>;
  propertyTest(project: Project, options: ToolchainOptions): Promise<StageResult>;
  bench(project: Project, options: ToolchainOptions, gate: BenchGateOptions): Promise<StageResult>;
}
