import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publishGitLab, type HostedRelease, type HostedTarget, type LocalAsset } from "../../pipeline/modules/release/hosted.js";
import { readOnly } from "../../pipeline/modules/release/http-client.js";
import { hostTransport } from "../helpers/release-http.js";

/**
 * The GitLab release through the real HTTP client (the module's fixed Node
 * script) against a local stand-in for the GitLab REST v4 endpoints the
 * release uses, recording every request: tags, the generic package registry
 * (list, files with their sha256, upload), releases and their asset links.
 * A re-run writes nothing; a missing file is uploaded and linked to the
 * existing release; a different file and a tag on another commit are
 * refused without a write; the token travels in PRIVATE-TOKEN only.
 */

const TOKEN = "glpat-PLANTEDtoken0123456789ab";
const COMMIT = "0123456789abcdef0123456789abcdef01234567";
const PROJECT = "acme/app";

interface Recorded {
  method: string;
  url: string;
  privateToken: string | undefined;
  authorization: string | undefined;
  body: Buffer;
}

interface PackageFile {
  id: number;
  file_name: string;
  file_sha256: string;
  bytes: Buffer;
}

/** GitLab as far as the release reads and writes it; answers shaped as GitLab's API documentation shows them. */
function fakeGitLab() {
  const requests: Recorded[] = [];
  const state = {
    tags: new Map<string, string>(),
    packages: [] as { id: number; name: string; version: string; files: PackageFile[] }[],
    releases: new Map<string, { tag_name: string; name: string; description: string; links: { id: number; name: string; url: string; link_type: string }[] }>(),
  };
  let base = "";
  const project = `/api/v4/projects/${encodeURIComponent(PROJECT)}`;
  const releaseJson = (r: NonNullable<ReturnType<typeof state.releases.get>>) => ({
    tag_name: r.tag_name,
    name: r.name,
    description: r.description,
    commit: { id: state.tags.get(r.tag_name) },
    assets: { count: r.links.length, links: r.links },
    _links: { self: `https://gitlab.example.com/${PROJECT}/-/releases/${r.tag_name}` },
  });
  let ids = 1;
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const header = (name: string) => (typeof req.headers[name] === "string" ? req.headers[name] : undefined);
      requests.push({ method: req.method!, url: req.url!, privateToken: header("private-token"), authorization: header("authorization"), body });
      const send = (status: number, value: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
      if (header("private-token") !== TOKEN) return send(401, { message: "401 Unauthorized" });
      // The project id stays URL-encoded in the path (acme%2Fapp), as GitLab routes it.
      const url = new URL(req.url!, base);
      if (!url.pathname.startsWith(`${project}/`)) return send(404, { message: "404 Project Not Found" });
      const path = url.pathname.slice(project.length);
      let m: RegExpExecArray | null;
      if (req.method === "GET" && (m = /^\/repository\/tags\/([^/]+)$/.exec(path))) {
        const tag = decodeURIComponent(m[1]!);
        const commit = state.tags.get(tag);
        return commit ? send(200, { name: tag, commit: { id: commit } }) : send(404, { message: "404 Tag Not Found" });
      }
      if (req.method === "GET" && path === "/packages") {
        const listed = state.packages.filter((p) => url.searchParams.get("package_type") === "generic" && p.name === url.searchParams.get("package_name"));
        return send(200, listed.map((p) => ({ id: p.id, name: p.name, version: p.version, package_type: "generic" })));
      }
      if (req.method === "GET" && (m = /^\/packages\/(\d+)\/package_files$/.exec(path))) {
        const pkg = state.packages.find((p) => p.id === Number(m![1]));
        if (!pkg) return send(404, { message: "404 Package Not Found" });
        return send(200, pkg.files.map((f) => ({ id: f.id, package_id: pkg.id, file_name: f.file_name, size: f.bytes.length, file_sha256: f.file_sha256 })));
      }
      if (req.method === "PUT" && (m = /^\/packages\/generic\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(path))) {
        const [name, version, fileName] = [m[1]!, m[2]!, m[3]!].map(decodeURIComponent) as [string, string, string];
        let pkg = state.packages.find((p) => p.name === name && p.version === version);
        if (!pkg) state.packages.push((pkg = { id: ids++, name, version, files: [] }));
        const file = { id: ids++, file_name: fileName, file_sha256: createHash("sha256").update(body).digest("hex"), bytes: body };
        pkg.files.push(file);
        return send(201, { id: file.id, package_id: pkg.id, file_name: fileName, size: body.length, file_sha256: file.file_sha256 });
      }
      if (req.method === "GET" && (m = /^\/releases\/([^/]+)$/.exec(path))) {
        const found = state.releases.get(decodeURIComponent(m[1]!));
        return found ? send(200, releaseJson(found)) : send(404, { message: "404 Not Found" });
      }
      if (req.method === "POST" && path === "/releases") {
        const input = JSON.parse(body.toString()) as { tag_name: string; ref: string; name: string; description: string; assets?: { links?: { name: string; url: string; link_type: string }[] } };
        if (state.releases.has(input.tag_name)) return send(409, { message: "Release already exists" });
        // GitLab creates the tag at `ref` when it does not exist yet.
        if (!state.tags.has(input.tag_name)) state.tags.set(input.tag_name, input.ref);
        const created = { tag_name: input.tag_name, name: input.name, description: input.description, links: (input.assets?.links ?? []).map((l) => ({ id: ids++, ...l })) };
        state.releases.set(input.tag_name, created);
        return send(201, releaseJson(created));
      }
      if (req.method === "POST" && (m = /^\/releases\/([^/]+)\/assets\/links$/.exec(path))) {
        const found = state.releases.get(decodeURIComponent(m[1]!));
        if (!found) return send(404, { message: "404 Not Found" });
        const link = { id: ids++, ...(JSON.parse(body.toString()) as { name: string; url: string; link_type: string }) };
        found.links.push(link);
        return send(201, link);
      }
      send(404, { message: "404 Not Found" });
    });
  });
  return {
    requests,
    state,
    writes: () => requests.filter((r) => r.method !== "GET").length,
    async start() {
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      return base;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("GitLab release through the real HTTP client, against a local stand-in", () => {
  const gitlab = fakeGitLab();
  const { transport, logs, asset } = hostTransport(TOKEN, "private-token");
  /** Every outcome the release logic returned: what the summary is written from. */
  const reports: unknown[] = [];
  const report = <T>(outcome: T): T => {
    reports.push(outcome);
    return outcome;
  };
  let target: HostedTarget;
  beforeAll(async () => {
    const base = await gitlab.start();
    target = { provider: "gitlab", apiUrl: `${base}/api/v4`, repository: PROJECT, webUrl: `https://gitlab.example.com/${PROJECT}` };
  });
  afterAll(() => gitlab.close());

  const release = (assets: LocalAsset[], tag = "v1.2.0"): HostedRelease => ({ tag, commit: COMMIT, name: tag, notes: `## ${tag}\n\n### Features\n\n- add ranges`, prerelease: false, assets });
  const binary = asset("app_1.2.0_linux_amd64", Buffer.from([0, 1, 2, 0xff, 0xfe, 10, 13]));
  const checksums = asset("checksums.txt", `${binary.sha256}  app_1.2.0_linux_amd64\n`);

  it("uploads every file to the generic package as bytes, then creates the release at the commit with a link to each; a re-run writes nothing", async () => {
    const first = report(await publishGitLab(transport, target, release([binary, checksums]), "1.2.0"));
    expect(first.url).toBe(`https://gitlab.example.com/${PROJECT}/-/releases/v1.2.0`);
    expect(first.actions).toEqual(["upload app_1.2.0_linux_amd64", "upload checksums.txt", "create the release v1.2.0 on acme/app at 0123456789ab"]);
    const files = gitlab.state.packages.flatMap((p) => p.files.map((f) => [`${p.name}/${p.version}/${f.file_name}`, f.bytes] as const));
    expect(files.map(([name]) => name)).toEqual(["release/1.2.0/app_1.2.0_linux_amd64", "release/1.2.0/checksums.txt"]);
    expect(files[0]![1].equals(readFileSync(binary.path))).toBe(true);
    const created = gitlab.state.releases.get("v1.2.0")!;
    expect(created.description).toBe(release([]).notes);
    expect(created.links.map((l) => [l.name, l.link_type, new URL(l.url).pathname])).toEqual([
      ["app_1.2.0_linux_amd64", "package", "/api/v4/projects/acme%2Fapp/packages/generic/release/1.2.0/app_1.2.0_linux_amd64"],
      ["checksums.txt", "package", "/api/v4/projects/acme%2Fapp/packages/generic/release/1.2.0/checksums.txt"],
    ]);
    expect(gitlab.state.tags.get("v1.2.0")).toBe(COMMIT);

    const writes = gitlab.writes();
    const second = report(await publishGitLab(transport, target, release([binary, checksums]), "1.2.0"));
    expect(second.actions).toEqual(["keep app_1.2.0_linux_amd64 (same sha256)", "keep checksums.txt (same sha256)", "keep the release v1.2.0"]);
    expect(second.url).toBe(first.url);
    expect(gitlab.writes()).toBe(writes);
  });

  it("completes a release that lacks a file: uploads it and links it, keeping the rest", async () => {
    const sbom = asset("sbom-linux-amd64.spdx.json", '{"spdxVersion":"SPDX-2.3"}\n');
    const before = gitlab.requests.length;
    const outcome = report(await publishGitLab(transport, target, release([binary, checksums, sbom]), "1.2.0"));
    expect(outcome.actions).toEqual(["keep app_1.2.0_linux_amd64 (same sha256)", "keep checksums.txt (same sha256)", "upload sbom-linux-amd64.spdx.json", "keep the release v1.2.0", "link sbom-linux-amd64.spdx.json"]);
    expect(gitlab.requests.slice(before).filter((r) => r.method !== "GET").map((r) => `${r.method} ${new URL(r.url, "http://x").pathname}`)).toEqual([
      "PUT /api/v4/projects/acme%2Fapp/packages/generic/release/1.2.0/sbom-linux-amd64.spdx.json",
      "POST /api/v4/projects/acme%2Fapp/releases/v1.2.0/assets/links",
    ]);
    expect(gitlab.state.releases.get("v1.2.0")!.links.map((l) => l.name)).toEqual(["app_1.2.0_linux_amd64", "checksums.txt", "sbom-linux-amd64.spdx.json"]);
  });

  it("refuses a file whose checksum differs, and a tag on another commit, without writing", async () => {
    const writes = gitlab.writes();
    await expect(publishGitLab(transport, target, release([asset("app_1.2.0_linux_amd64", "rebuilt differently")]), "1.2.0")).rejects.toThrow(
      /package release\/1\.2\.0 already has an asset app_1\.2\.0_linux_amd64 with a different checksum\.\n {2}Fix:/,
    );
    await expect(publishGitLab(transport, target, { ...release([]), commit: "f".repeat(40) }, "1.2.0")).rejects.toThrow(/tag v1\.2\.0 already points at commit 0123456789ab, not at ffffffffffff/);
    expect(gitlab.writes()).toBe(writes);
  });

  it("dry run reads only, and says what it would do", async () => {
    const writes = gitlab.writes();
    const outcome = report(await publishGitLab(readOnly(transport), target, release([asset("app_1.3.0_linux_amd64", "next")], "v1.3.0"), "1.3.0", true));
    expect(outcome.actions).toEqual(["upload app_1.3.0_linux_amd64", "create the release v1.3.0 on acme/app at 0123456789ab"]);
    expect(gitlab.writes()).toBe(writes);
    expect(gitlab.state.releases.has("v1.3.0")).toBe(false);
  });

  it("sends the token only in the PRIVATE-TOKEN header: never in a URL, an Authorization header, a request file, the output or the outcome the summary is made of", () => {
    expect(gitlab.requests.length).toBeGreaterThan(10);
    for (const r of gitlab.requests) {
      expect(r.url).not.toContain(TOKEN);
      expect(r.privateToken).toBe(TOKEN);
      expect(r.authorization).toBeUndefined();
      expect(r.body.toString("latin1")).not.toContain(TOKEN);
    }
    expect(logs.join("\n")).not.toContain(TOKEN);
    expect(reports.length).toBeGreaterThan(2);
    expect(JSON.stringify(reports)).not.toContain(TOKEN);
  });
});
