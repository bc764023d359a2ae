/**
 * The HTTP client of the release APIs: a fixed Node script (no dependency,
 * Node's own fetch) run in the pinned Node image, one request per exec. The
 * request (method, URL, JSON body or a file to send) is a JSON file; the token
 * comes only from the secret variable PIPELINE_HTTP_TOKEN and goes only into
 * a header; the response is printed as one JSON line. Files are sent as
 * bytes from disk: Dagger hands the module text, so binaries never pass
 * through it. The real-tool tests run this same script with the host's Node.
 */

export interface HttpRequest {
  method: "GET" | "POST" | "PATCH" | "PUT";
  url: string;
  headers?: Record<string, string>;
  json?: unknown;
  /** A file to send as the body (application/octet-stream unless a header says otherwise). */
  file?: string;
  /** Follow the response to its bytes and return their SHA-256 instead of the body (an asset download). */
  sha256?: boolean;
}

export interface HttpResponse {
  status: number;
  /** Lower-case names; only those the release logic reads. */
  headers: Record<string, string>;
  body: string;
  sha256?: string;
}

export type Transport = (request: HttpRequest) => Promise<HttpResponse>;

/** The env names the script reads; the token's is set from a Dagger secret (withSecretVariable). */
export const HTTP_ENV = { token: "PIPELINE_HTTP_TOKEN", auth: "PIPELINE_HTTP_AUTH" } as const;

/** How each API takes its token. */
export type AuthScheme = "bearer" | "private-token" | "none";

export const HTTP_CLIENT_SCRIPT = String.raw`import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
const request = JSON.parse(readFileSync(process.argv[2], "utf8"));
const token = process.env.PIPELINE_HTTP_TOKEN ?? "";
const scheme = process.env.PIPELINE_HTTP_AUTH ?? "none";
const headers = { "user-agent": "dagger-pipeline-release", ...(request.headers ?? {}) };
if (token && scheme === "bearer") headers["authorization"] = "Bearer " + token;
if (token && scheme === "private-token") headers["private-token"] = token;
let body;
if (request.json !== undefined) { body = JSON.stringify(request.json); headers["content-type"] ??= "application/json"; }
if (request.file !== undefined) { body = readFileSync(request.file); headers["content-type"] ??= "application/octet-stream"; }
const keep = ["content-type", "location", "link", "x-github-request-id"];
try {
  // Redirects are followed by hand: an asset download leaves the API host, and its credentials stay behind.
  let url = request.url, method = request.method, response;
  for (let hop = 0; ; hop++) {
    const sameOrigin = new URL(url).origin === new URL(request.url).origin;
    const send = sameOrigin ? headers : Object.fromEntries(Object.entries(headers).filter(([k]) => k !== "authorization" && k !== "private-token"));
    response = await fetch(url, { method, headers: send, body: hop === 0 ? body : undefined, redirect: "manual" });
    const next = response.headers.get("location");
    if (!request.sha256 || response.status < 300 || response.status > 399 || !next || hop > 4) break;
    url = new URL(next, url).toString(); method = "GET";
  }
  const out = { status: response.status, headers: Object.fromEntries(keep.filter((k) => response.headers.has(k)).map((k) => [k, response.headers.get(k)])), body: "" };
  if (request.sha256 && response.status < 300) out.sha256 = createHash("sha256").update(Buffer.from(await response.arrayBuffer())).digest("hex");
  else out.body = await response.text();
  process.stdout.write(JSON.stringify(out) + "\n");
} catch (error) {
  process.stderr.write("pipeline: " + request.method + " " + new URL(request.url).origin + new URL(request.url).pathname + " failed: " + (error.cause?.message ?? error.message) + "\n");
  process.exit(1);
}
`;

/** Reads the script's output line. */
export function parseHttpResponse(stdout: string): HttpResponse {
  const line = stdout.trim().split("\n").pop() ?? "";
  if (line === "") throw new Error("the HTTP client printed no response");
  return JSON.parse(line) as HttpResponse;
}

/** A transport that refuses anything but reads: what a dry run uses, so it cannot change a release by mistake. */
export function readOnly(transport: Transport): Transport {
  return (request) => {
    if (request.method !== "GET") return Promise.reject(new Error(`dry run: refusing ${request.method} ${request.url}`));
    return transport(request);
  };
}
