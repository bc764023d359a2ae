import type { Container, Directory } from "@dagger.io/dagger";
import type { RegistryAccess, StageSetup } from "./call-inputs.js";
import type { Project } from "./project.js";
import type { StageResult } from "./stage.js";
import type { BenchGateOptions } from "./verdicts.js";

/** pipeline.yaml stages.integration: how each language tells its integration tests from its unit tests. */
export interface IntegrationSettings {
  /** Go: the build tags of the integration tests' files. */
  tags: string[];
  /** Go: a -run pattern selecting them (with no tags, the unit tests -skip it). */
  run?: string | undefined;
  /** Python: their pytest marker. */
  marker: string;
  /** Node: a glob of their files. */
  files: string;
  /** Node: a package.json script to run instead. */
  script?: string | undefined;
}

/** What every toolchain gets from pipeline.yaml, already defaulted. */
export interface ToolchainOptions {
  images: { go: string; golangciLint: string; node: string; python: string };
  /** Go only: run tests with the race detector. */
  race: boolean;
  /** Percent; 0 disables the coverage gate. */
  coverageThreshold: number;
  /** Cases per property test. */
  iterations: number;
  /** The integration tests, which the integration stage runs and the unit tests leave out. */
  integration: IntegrationSettings;
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
  /** The container with dependencies installed and the source in place, for configured commands (async: what it installs may be read from the project's files). */
  container(project: Project, options: ToolchainOptions): Promise<Container>;
  lint(project: Project, options: ToolchainOptions): Promise<StageResult>;
  test(project: Project, options: ToolchainOptions): Promise<StageResult>;
  /** The integration tests alone (JUnit report), with the services the stage set up in options.stage. */
  integration(project: Project, options: ToolchainOptions): Promise<StageResult>;
  propertyTest(project: Project, options: ToolchainOptions): Promise<StageResult>;
  bench(project: Project, options: ToolchainOptions, gate: BenchGateOptions): Promise<StageResult>;
}
