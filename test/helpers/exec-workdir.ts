import type { Step } from "../../cli/recording-engine/query.js";
import { WORKDIR } from "../../pipeline/modules/project.js";

/** The folder an exec chain runs in, relative to the project ("." for /src itself): its last withWorkdir. */
export function execFolder(chain: readonly Step[]): string {
  const path = [...chain].reverse().find((s) => s.field === "withWorkdir")?.args["path"] ?? WORKDIR;
  if (typeof path !== "string") throw new Error(`withWorkdir path is not a string: ${JSON.stringify(path)}`);
  return path === WORKDIR ? "." : path.slice(`${WORKDIR}/`.length);
}
