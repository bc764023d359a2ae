import type { Directory, Secret } from "@dagger.io/dagger";
import { publishImage } from "../../modules/release/index.js";
import { parseReleaseTag } from "../../modules/release/semver.js";
import { CONFIG_FILE, loadProject, PipelineUserError } from "./load-project.js";
import { runLoadedStages, type CallInputs } from "./stages.js";

export interface ReleaseInputs extends CallInputs {
  tag: string;
  registryToken: Secret | undefined;
  registryUsername: string | undefined;
}

/**
 * Cuts a release: checks the tag and the config first (nothing runs on bad
 * input), then every gate, and publishes the image only if all passed.
 */
export async function cutRelease(source: Directory, inputs: ReleaseInputs): Promise<string> {
  const version = parseReleaseTag(inputs.tag);
  const loaded = await loadProject(source);
  const settings = loaded.config.release;
  if (!settings.image) {
    throw new PipelineUserError(
      `${CONFIG_FILE}: release.image is not set, so there is nowhere to publish ${inputs.tag}.\n` +
        "  Fix: add `release: { image: ghcr.io/<owner>/<name> }` to pipeline.yaml.",
    );
  }
  const gates = await runLoadedStages(loaded, undefined, inputs);
  if (gates.failed) throw new Error(`release ${inputs.tag} stopped before publishing: a gate failed.\n\n${gates.summary}`);
  const refs = await publishImage(loaded.project, {
    image: settings.image,
    dockerfile: settings.dockerfile,
    platforms: settings.platforms,
    release: version,
    registryUsername: inputs.registryUsername ?? settings.registryUsername,
    registryToken: inputs.registryToken,
  });
  return `${gates.summary}\n## 🚀 Released ${inputs.tag}\n\n${refs.map((ref) => `- \`${ref}\``).join("\n")}\n`;
}
