import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { PACKAGE_ROOT } from "../package-root.js";

/** The CI providers `pipeline wrappers` writes files for. */
export const PROVIDERS = ["github", "gitlab"] as const;
export type Provider = (typeof PROVIDERS)[number];

export interface WrapperFile {
  /** The template, relative to the repository's ci/ folder. */
  template: string;
  /** Where the generated file goes, relative to the output folder. */
  target: string;
}

/** Each provider's templates (in ci/) and the paths CI systems read them from. */
export const WRAPPER_FILES: Record<Provider, readonly WrapperFile[]> = {
  github: [
    { template: "github/ci.yml", target: ".github/workflows/ci.yml" },
    { template: "github/release.yml", target: ".github/workflows/release.yml" },
  ],
  gitlab: [{ template: "gitlab/.gitlab-ci.yml", target: ".gitlab-ci.yml" }],
};

export const TEMPLATES_DIR = pathToFileURL(join(PACKAGE_ROOT, "ci/"));
