import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeWrappers, type Provider } from "../../cli/commands/wrappers.js";
import { REPO, tempDir } from "./examples.js";

/** A published module reference, as a user passes it to `pipeline wrappers --module`. */
export const MODULE = "github.com/acme/pipeline@v1.2.0";

/** pipeline.yaml of a project with an image to publish: the wrappers then release it. */
export const RELEASES = "image: { name: ghcr.io/acme/app }\n";

/**
 * The wrappers generated into a user's repository (calling the published
 * module) and into a repository holding this module's dagger.json (plain `dagger call`),
 * both with an image to release.
 */
export function generatedRepos(provider: Provider): { userRepo: string; ownRepo: string } {
  const userRepo = tempDir(`wrappers-${provider}-user-`);
  writeFileSync(join(userRepo, "pipeline.yaml"), RELEASES);
  writeWrappers({ provider, outDir: userRepo, module: MODULE });
  const ownRepo = tempDir(`wrappers-${provider}-own-`);
  copyFileSync(join(REPO, "dagger.json"), join(ownRepo, "dagger.json"));
  writeFileSync(join(ownRepo, "pipeline.yaml"), RELEASES);
  writeWrappers({ provider, outDir: ownRepo });
  return { userRepo, ownRepo };
}
