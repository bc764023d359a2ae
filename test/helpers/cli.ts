import { main } from "../../cli/main.js";

/** The CLI's entry point, as a real process would, with its stdout, stderr and exit code captured. */
export async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(argv, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

/** The bin a real spawn runs: the compiled CLI, as installed (npm run build writes it). */
export const CLI_BIN = new URL("../../dist/bin.js", import.meta.url).pathname;
