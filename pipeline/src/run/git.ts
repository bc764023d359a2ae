import type { Directory } from "@dagger.io/dagger";
import type { GitMetadata } from "../../modules/git/metadata.js";
import { readGitHistory, readGitMetadata, type GitHistory, type GitSource } from "../../modules/git/read.js";
import { IMAGES } from "../../modules/pins.js";
import { loadConfig } from "../config/load.js";
import { CONFIG_FILE } from "./load-project.js";

/** The call's checkout (--git, --git-ref), with the git image pipeline.yaml pins (images.git), or the default when it cannot be read. */
export async function gitSourceFor(source: Directory, checkout: Directory | undefined, ref: string | undefined): Promise<GitSource> {
  if (checkout === undefined) return { checkout, ref, image: IMAGES.git };
  const entries = await source.entries();
  const loaded = loadConfig(entries.includes(CONFIG_FILE) ? await source.file(CONFIG_FILE).contents() : undefined, CONFIG_FILE);
  return { checkout, ref, image: loaded.ok ? loaded.config.images.git : IMAGES.git };
}

/** The commit the call runs on, for labels, sha- tags and release notes; undefined when the call gave no checkout. */
export async function commitOf(source: Directory, checkout: Directory | undefined, ref: string | undefined): Promise<GitMetadata | undefined> {
  return (await readGitMetadata(await gitSourceFor(source, checkout, ref))).metadata;
}

/** The checkout's tags and commits, for release notes; undefined when the call gave no checkout. */
export async function historyOf(source: Directory, checkout: Directory | undefined, ref: string | undefined): Promise<GitHistory | undefined> {
  return readGitHistory(await gitSourceFor(source, checkout, ref));
}
