import type { Directory } from "@dagger.io/dagger";
import { readGitHistory, readGitMetadata, type GitHistory, type GitReading, type GitSource } from "../../modules/git/read.js";
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

/** The commit the call runs on, for labels, sha- tags and release notes; without one, why (the reading's notes). */
export async function commitOf(source: Directory, checkout: Directory | undefined, ref: string | undefined): Promise<GitReading> {
  return readGitMetadata(await gitSourceFor(source, checkout, ref));
}

/** The checkout's tags and commits, for release notes; undefined when the call gave no checkout. */
export async function historyOf(source: Directory, checkout: Directory | undefined, ref: string | undefined): Promise<GitHistory | undefined> {
  return readGitHistory(await gitSourceFor(source, checkout, ref));
}

/**
 * Why there is no git metadata and its fix, on one line: said once, by the
 * step that needed the commit (image labels and tags, release notes), after
 * what it goes without. Undefined when there is metadata.
 */
export function missingGitLine(reading: GitReading): string | undefined {
  if (reading.metadata) return undefined;
  const lines = reading.notes.join("\n").split("\n").map((line) => line.trim()).filter(Boolean);
  return (lines.length > 0 ? lines : ["no git metadata"]).join(" ");
}
