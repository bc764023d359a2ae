import { readFileSync } from "node:fs";

/** This module's own dagger.json, at the repository root. */
export const OWN_DAGGER_JSON = new URL("../dagger.json", import.meta.url);

/** A dagger.json's fields, or undefined when the file is absent or not JSON. */
export function readDaggerJson(daggerJson: string | URL): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(daggerJson, "utf8")) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/**
 * The Dagger version everything is pinned to is dagger.json's `engineVersion`:
 * doctor compares the installed CLI with it, and the CI wrappers install it.
 */
export function pinnedDaggerVersion(daggerJson: string | URL = OWN_DAGGER_JSON): string {
  const engineVersion = readDaggerJson(daggerJson)?.engineVersion;
  if (typeof engineVersion !== "string" || !engineVersion) throw new Error("dagger.json has no engineVersion");
  return engineVersion.replace(/^v/, "");
}
