import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { PACKAGE_ROOT } from "../package-root.js";

/** The CI providers `pipeline wrappers` writes files for. */
export const PROVIDERS = ["github", "gitlab"] as const;
export type Provider = (typeof PROVIDERS)[number];

/** What pipeline.yaml can leave out of the wrappers, each with its own file where a provider gives it one. */
export type WrapperPart = "release" | "deploy" | "notify" | "codecov";

export interface WrapperFile {
  /** The template, relative to the repository's ci/ folder. */
  template: string;
  /** Where the generated file goes, relative to the output folder. */
  target: string;
  /** Written only when pipeline.yaml asks for this part; always when absent. */
  part?: WrapperPart;
}

/**
 * Each provider's templates (in ci/) and the paths CI systems read them from.
 * GitLab's optional jobs are local files the main one includes, so leaving a
 * job out is leaving its file out, and each file stays within 30 lines with
 * every `ci` key on. GitHub's notification is a workflow of its own too
 * (notify.yml, run after ci's and release's runs); its Codecov upload is a
 * step of ci.yml, where the reports are (no file).
 */
export const WRAPPER_FILES: Record<Provider, readonly WrapperFile[]> = {
  github: [
    { template: "github/ci.yml", target: ".github/workflows/ci.yml" },
    { template: "github/release.yml", target: ".github/workflows/release.yml", part: "release" },
    { template: "github/deploy.yml", target: ".github/workflows/deploy.yml", part: "deploy" },
    { template: "github/notify.yml", target: ".github/workflows/notify.yml", part: "notify" },
  ],
  gitlab: [
    { template: "gitlab/.gitlab-ci.yml", target: ".gitlab-ci.yml" },
    { template: "gitlab/pipeline-release.yml", target: ".gitlab/pipeline-release.yml", part: "release" },
    { template: "gitlab/pipeline-deploy.yml", target: ".gitlab/pipeline-deploy.yml", part: "deploy" },
    { template: "gitlab/pipeline-notify.yml", target: ".gitlab/pipeline-notify.yml", part: "notify" },
    { template: "gitlab/pipeline-codecov.yml", target: ".gitlab/pipeline-codecov.yml", part: "codecov" },
  ],
};

/** The provider's files, split into those pipeline.yaml asks for and those it leaves out. */
export function wrapperFiles(provider: Provider, parts: ReadonlySet<WrapperPart>): { wanted: WrapperFile[]; left: WrapperFile[] } {
  const on = (file: WrapperFile) => file.part === undefined || parts.has(file.part);
  return { wanted: WRAPPER_FILES[provider].filter(on), left: WRAPPER_FILES[provider].filter((file) => !on(file)) };
}

export const TEMPLATES_DIR = pathToFileURL(join(PACKAGE_ROOT, "ci/"));
