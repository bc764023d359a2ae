import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publishGitHub, type HostedTarget, type LocalAsset } from "../../pipeline/modules/release/hosted.js";
import { readOnly } from "../../pipeline/modules/release/http-client.js";
import { hostTransport } from "../helpers/release-http.js";

/**
 * The release's real HTTP client (the fixed Node script the module runs in
 * the Node image) against a local stand-in for GitHub's REST endpoints the
 * release uses, recording every request: idempotent re-runs, a different
 * asset refused, a tag on another commit refused, the token only in a header.
 */

const TOKEN = "ghp_plantedtoken0123456789abcdefghijklmnopq";
const COMMIT = "0123456789abcdef0123456789abcdef01234567";

interface Recorded {
  method: string;
  url: string;
  authorization: string | undefined;
  body: Buffer;
}

/** GitHub as far as the release reads and writes it: refs, releases (drafts too), assets with their digest. */
function fakeGitHub() {
  const requests: Recorded[] = [];
  const state = { tagCommit: undefined as string | undefined, releases: [] as { id: number; tag_name: string; draft: boolean; assets: { id: number; name: string; digest: string }[] }[] };
  let base = "";
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      requests.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization, body });
      const send = (status: number, value: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(401, { message: "Bad credentials" });
      const url = new URL(req.url!, base);
      const rel = (r: (typeof state.releases)[number]) => ({ id: r.id, tag_name: r.tag_name, draft: r.draft, html_url: `https://github.com/acme/app/releases/tag/${r.tag_name}`, upload_url: `${base}/uploads/repos/acme/app/releases/${r.id}/assets{?name,label}` });
      let m: RegExpExecArray | null;
      if (req.method === "GET" && (m = /^\/repos\/acme\/app\/git\/ref\/tags\/(.+)$/.exec(url.pathname))) {
        return state.tagCommit ? send(200, { ref: `refs/tags/${m[1]}`, object: { type: "commit", sha: state.tagCommit } }) : send(404, { message: "Not Found" });
      }
      if (req.method === "GET" && url.pathname === "/repos/acme/app/releases") return send(200, state.releases.map(rel));
      if (req.method === "POST" && url.pathname === "/repos/acme/app/releases") {
        const input = JSON.parse(body.toString()) as { tag_name: string; draft: boolean };
        const created = { id: state.releases.length + 1, tag_name: input.tag_name, draft: input.draft, assets: [] };
        state.releases.push(created);
        return send(201, rel(created));
      }
      if (req.method === "GET" && (m = /^\/repos\/acme\/app\/releases\/(\d+)\/assets$/.exec(url.pathname))) {
        const r = state.releases.find((x) => x.id === Number(m![1]))!;
        return send(200, r.assets.map((a) => ({ ...a, url: `${base}/repos/acme/app/releases/assets/${a.id}` })));
      }
      if (req.method === "POST" && (m = /^\/uploads\/repos\/acme\/app\/releases\/(\d+)\/assets$/.exec(url.pathname))) {
        const r = state.releases.find((x) => x.id === Number(m![1]))!;
        const asset = { id: 100 + r.assets.length, name: url.searchParams.get("name")!, digest: `sha256:${createHash("sha256").update(body).digest("hex")}` };
        r.assets.push(asset);
        return send(201, asset);
      }
      if (req.method === "PATCH" && (m = /^\/repos\/acme\/app\/releases\/(\d+)$/.exec(url.pathname))) {
        const r = state.releases.find((x) => x.id === Number(m![1]))!;
        r.draft = (JSON.parse(body.toString()) as { draft: boolean }).draft;
        if (!r.draft) state.tagCommit = COMMIT;
        return send(200, rel(r));
      }
      send(404, { message: "Not Found" });
    });
  });
  return {
    requests,
    state,
    async start() {
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      return base;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Every outcome the release logic returned: what the summary is written from. */
const reports: unknown[] = [];
const report = <T>(outcome: T): T => {
  reports.push(outcome);
  return outcome;
};
const { transport, logs, asset } = hostTransport(TOKEN, "bearer");

describe("GitHub release through the real HTTP client, against a local stand-in", () => {
  const github = fakeGitHub();
  let target: HostedTarget;
  beforeAll(async () => {
    const base = await github.start();
    target = { provider: "github", apiUrl: base, repository: "acme/app", webUrl: "https://github.com/acme/app" };
  });
  afterAll(() => github.close());

  const release = (assets: LocalAsset[]) => ({ tag: "v1.2.0", commit: COMMIT, name: "v1.2.0", notes: "## v1.2.0", prerelease: false, assets });

  it("creates a draft, uploads every asset as bytes, publishes; a re-run changes nothing", async () => {
    const assets = [asset("app_linux_amd64", "\u0000\u0001binary\u00ff"), asset("checksums.txt", "abc  app\n")];
    const first = report(await publishGitHub(transport, target, release(assets)));
    expect(first.url).toBe("https://github.com/acme/app/releases/tag/v1.2.0");
    expect(first.actions).toEqual(["create the draft release v1.2.0 on acme/app at 0123456789ab", "upload app_linux_amd64", "upload checksums.txt", "publish the release v1.2.0"]);
    const uploaded = github.requests.filter((r) => r.url.startsWith("/uploads/"));
    expect(uploaded.map((r) => r.body.equals(readFileSync(assets[0]!.path)) || r.body.equals(readFileSync(assets[1]!.path)))).toEqual([true, true]);

    const writesBefore = github.requests.filter((r) => r.method !== "GET").length;
    const second = report(await publishGitHub(transport, target, release(assets)));
    expect(second.actions).toEqual(["keep the release v1.2.0", "keep app_linux_amd64 (same sha256)", "keep checksums.txt (same sha256)"]);
    expect(github.requests.filter((r) => r.method !== "GET").length).toBe(writesBefore);
  });

  it("refuses an asset whose checksum differs, and a tag on another commit, without writing", async () => {
    const writes = github.requests.filter((r) => r.method !== "GET").length;
    await expect(publishGitHub(transport, target, release([asset("app_linux_amd64", "rebuilt differently")]))).rejects.toThrow(/already has an asset app_linux_amd64 with a different checksum\.\n {2}Fix:/);
    await expect(publishGitHub(transport, target, { ...release([]), commit: "f".repeat(40) })).rejects.toThrow(/tag v1\.2\.0 already points at commit 0123456789ab, not at ffffffffffff/);
    expect(github.requests.filter((r) => r.method !== "GET").length).toBe(writes);
  });

  it("dry run reads only: the guard refuses any write", async () => {
    const writes = github.requests.filter((r) => r.method !== "GET").length;
    const outcome = report(await publishGitHub(readOnly(transport), target, { ...release([asset("new.txt", "new")]), tag: "v1.3.0" }, true));
    expect(outcome.actions).toContain("upload new.txt");
    expect(github.requests.filter((r) => r.method !== "GET").length).toBe(writes);
    await expect(readOnly(transport)({ method: "POST", url: `${target.apiUrl}/x` })).rejects.toThrow("dry run: refusing POST");
  });

  it("sends the token only in the Authorization header: never in a URL, a request file, the output or the outcome the summary is made of", () => {
    expect(github.requests.length).toBeGreaterThan(5);
    for (const r of github.requests) {
      expect(r.url).not.toContain(TOKEN);
      expect(r.authorization).toBe(`Bearer ${TOKEN}`);
    }
    expect(logs.join("\n")).not.toContain(TOKEN);
    expect(reports.length).toBeGreaterThan(2);
    expect(JSON.stringify(reports)).not.toContain(TOKEN);
  });
});
