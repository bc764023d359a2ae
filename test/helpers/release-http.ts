import { execFile } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { HTTP_CLIENT_SCRIPT, HTTP_ENV, parseHttpResponse, type AuthScheme, type Transport } from "../../pipeline/modules/release/http-client.js";
import type { LocalAsset } from "../../pipeline/modules/release/hosted.js";
import { tempDir } from "./examples.js";

/**
 * The release's real HTTP client on this machine: the module's fixed Node
 * script, run by the host's Node with the argv and env daggerTransport gives
 * it in the Node image (the token only in PIPELINE_HTTP_TOKEN). Everything
 * the script printed and every request file is kept in `logs`, for the
 * token checks.
 */
export function hostTransport(token: string, scheme: AuthScheme) {
  const dir = tempDir("release-http-");
  const script = join(dir, "http-client.mjs");
  writeFileSync(script, HTTP_CLIENT_SCRIPT);
  const logs: string[] = [];
  const transport: Transport = async (request) => {
    const file = join(dir, `request-${randomUUID()}.json`);
    writeFileSync(file, JSON.stringify(request));
    const { stdout, stderr } = await promisify(execFile)("node", [script, file], { env: { PATH: process.env["PATH"], [HTTP_ENV.token]: token, [HTTP_ENV.auth]: scheme } });
    logs.push(stdout, stderr, readFileSync(file, "utf8"));
    return parseHttpResponse(stdout);
  };
  /** A release file with these contents, as the release attaches it. */
  const asset = (name: string, contents: string | Buffer): LocalAsset => {
    const path = join(dir, name);
    writeFileSync(path, contents);
    return { name, path, sha256: createHash("sha256").update(contents).digest("hex") };
  };
  return { transport, logs, asset };
}
