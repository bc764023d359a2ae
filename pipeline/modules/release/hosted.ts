import type { HttpRequest, HttpResponse, Transport } from "./http-client.js";

/** Where a release is created, resolved from pipeline.yaml or the git remote. */
export interface HostedTarget {
  provider: "github" | "gitlab";
  /** API root, without trailing slash: https://api.github.com, https://gitlab.com/api/v4. */
  apiUrl: string;
  /** owner/name (GitLab: the full project path). */
  repository: string;
  /** The repository's web URL, for notes links. */
  webUrl: string;
}

export interface LocalAsset {
  name: string;
  /** Path of the file in the container the HTTP client runs in. */
  path: string;
  sha256: string;
}

export interface HostedRelease {
  tag: string;
  /** The commit the release is for: an existing tag must point at it. */
  commit: string;
  name: string;
  notes: string;
  prerelease: boolean;
  assets: readonly LocalAsset[];
}

export interface HostedOutcome {
  url: string;
  /** What was done, or in a dry run what would be: one line each. */
  actions: string[];
}

export class HostedReleaseError extends Error {
  override readonly name = "HostedReleaseError";
  readonly code = "RELEASE_HOSTED";
}

/** GitHub or GitLab from a remote URL (https, without credentials), unless pipeline.yaml says. */
export function detectTarget(remoteUrl: string | undefined, configured: { provider?: "github" | "gitlab" | "none" | undefined; repository?: string | undefined; apiUrl?: string | undefined }): HostedTarget | undefined {
  if (configured.provider === "none") return undefined;
  let host: string | undefined;
  let path: string | undefined;
  if (remoteUrl) {
    try {
      const url = new URL(remoteUrl);
      host = url.host;
      path = url.pathname.replace(/^\/+/, "").replace(/\.git$/, "").replace(/\/+$/, "");
    } catch {
      // Not a URL: the repository must then be configured.
    }
  }
  const provider = configured.provider ?? (host === "github.com" ? "github" : host && /(^|\.)gitlab\./.test(host) ? "gitlab" : undefined);
  if (!provider) return undefined;
  const repository = configured.repository ?? path;
  if (!repository) {
    throw new HostedReleaseError(`release.provider is ${provider} but the repository is unknown (no git remote).\n  Fix: set release.repository: owner/name in pipeline.yaml.`);
  }
  const webHost = host ?? (provider === "github" ? "github.com" : "gitlab.com");
  const apiUrl = (configured.apiUrl ?? (provider === "github" ? (webHost === "github.com" ? "https://api.github.com" : `https://${webHost}/api/v3`) : `https://${webHost}/api/v4`)).replace(/\/+$/, "");
  return { provider, apiUrl, repository, webUrl: `https://${webHost}/${repository}` };
}

async function call(transport: Transport, request: HttpRequest, ok: number[]): Promise<HttpResponse> {
  const response = await transport(request);
  if (!ok.includes(response.status)) {
    const path = new URL(request.url).pathname;
    let detail = response.body.slice(0, 300);
    try {
      const parsed = JSON.parse(response.body) as { message?: unknown; error?: unknown };
      const text = parsed.message ?? parsed.error;
      if (typeof text === "string") detail = text;
    } catch {
      // Not JSON: keep the text.
    }
    const hint = response.status === 401 || response.status === 403 ? "\n  Fix: check that the token is valid and may write releases (GitHub: contents: write; GitLab: api scope, Developer role)." : "";
    throw new HostedReleaseError(`${request.method} ${path} answered ${response.status}: ${detail}${hint}`);
  }
  return response;
}

const json = <T>(response: HttpResponse): T => JSON.parse(response.body) as T;

function refused(tag: string, found: string, commit: string): HostedReleaseError {
  return new HostedReleaseError(
    `tag ${tag} already points at commit ${found.slice(0, 12)}, not at ${commit.slice(0, 12)} which is being released.\n` +
      "  Fix: release the commit the tag points at, or a new version; a published tag is never moved.",
  );
}

function differs(name: string, where: string): HostedReleaseError {
  return new HostedReleaseError(
    `${where} already has an asset ${name} with a different checksum.\n` +
      "  Fix: a published file is never replaced silently: release a new version, or delete that asset by hand if it is known to be wrong.",
  );
}

interface GitHubRelease {
  id: number;
  tag_name: string;
  draft: boolean;
  html_url: string;
  upload_url: string;
}
interface GitHubAsset {
  id: number;
  name: string;
  digest?: string | null;
  url: string;
}

/**
 * Creates or completes a GitHub release, idempotently: an existing release
 * (a draft left by a failed run too) is reused; assets with equal checksums
 * are kept, missing ones uploaded, a different one is an error. A new release
 * is a draft until every asset is up, so nobody sees it half-made.
 */
export async function publishGitHub(transport: Transport, target: HostedTarget, release: HostedRelease, dryRun = false): Promise<HostedOutcome> {
  const repo = `${target.apiUrl}/repos/${target.repository}`;
  const gh = { accept: "application/vnd.github+json", "x-github-api-version": "2022-11-28" };
  const actions: string[] = [];

  const ref = await call(transport, { method: "GET", url: `${repo}/git/ref/tags/${encodeURIComponent(release.tag)}`, headers: gh }, [200, 404]);
  if (ref.status === 200) {
    let object = json<{ object: { type: string; sha: string } }>(ref).object;
    // An annotated tag points at a tag object: follow it to the commit.
    for (let i = 0; object.type === "tag" && i < 5; i++) {
      object = json<{ object: { type: string; sha: string } }>(await call(transport, { method: "GET", url: `${repo}/git/tags/${object.sha}`, headers: gh }, [200])).object;
    }
    if (object.sha !== release.commit) throw refused(release.tag, object.sha, release.commit);
  }

  const releases = json<GitHubRelease[]>(await call(transport, { method: "GET", url: `${repo}/releases?per_page=100`, headers: gh }, [200]));
  let existing = releases.find((r) => r.tag_name === release.tag);
  if (!existing) {
    actions.push(`create the draft release ${release.tag} on ${target.repository} at ${release.commit.slice(0, 12)}`);
    if (dryRun) {
      actions.push(...release.assets.map((a) => `upload ${a.name}`), `publish the release ${release.tag}`);
      return { url: `${target.webUrl}/releases/tag/${encodeURIComponent(release.tag)}`, actions };
    }
    existing = json<GitHubRelease>(
      await call(
        transport,
        {
          method: "POST",
          url: `${repo}/releases`,
          headers: gh,
          json: { tag_name: release.tag, target_commitish: release.commit, name: release.name, body: release.notes, draft: true, prerelease: release.prerelease },
        },
        [201],
      ),
    );
  } else actions.push(`keep the release ${release.tag}${existing.draft ? " (a draft: completing it)" : ""}`);

  const assets = json<GitHubAsset[]>(await call(transport, { method: "GET", url: `${repo}/releases/${existing.id}/assets?per_page=100`, headers: gh }, [200]));
  const uploadBase = existing.upload_url.replace(/\{[^}]*\}$/, "");
  for (const asset of release.assets) {
    const found = assets.find((a) => a.name === asset.name);
    if (found) {
      const remote = found.digest?.startsWith("sha256:")
        ? found.digest.slice("sha256:".length)
        : (await call(transport, { method: "GET", url: found.url, headers: { ...gh, accept: "application/octet-stream" }, sha256: true }, [200])).sha256;
      if (remote !== asset.sha256) throw differs(asset.name, `release ${release.tag}`);
      actions.push(`keep ${asset.name} (same sha256)`);
      continue;
    }
    actions.push(`upload ${asset.name}`);
    if (dryRun) continue;
    await call(transport, { method: "POST", url: `${uploadBase}?name=${encodeURIComponent(asset.name)}`, headers: { ...gh, "content-type": "application/octet-stream" }, file: asset.path }, [201]);
  }
  if (existing.draft) {
    actions.push(`publish the release ${release.tag}`);
    if (!dryRun) existing = json<GitHubRelease>(await call(transport, { method: "PATCH", url: `${repo}/releases/${existing.id}`, headers: gh, json: { draft: false } }, [200]));
  }
  return { url: existing.html_url, actions };
}

interface GitLabPackageFile {
  file_name: string;
  file_sha256?: string;
}
interface GitLabRelease {
  tag_name: string;
  _links?: { self?: string };
  assets?: { links?: { name: string; url: string }[] };
}

/** The generic package that holds a release's files: the GitLab documented way to attach files to a release. */
const PACKAGE = "release";

/**
 * Creates or completes a GitLab release the same way: files go to the
 * project's generic package registry first (equal sha256 kept, different
 * refused), then the release is created with links to them, or an existing
 * one gets the links it lacks.
 */
export async function publishGitLab(transport: Transport, target: HostedTarget, release: HostedRelease, version: string, dryRun = false): Promise<HostedOutcome> {
  const project = `${target.apiUrl}/projects/${encodeURIComponent(target.repository)}`;
  const actions: string[] = [];
  const tag = await call(transport, { method: "GET", url: `${project}/repository/tags/${encodeURIComponent(release.tag)}` }, [200, 404]);
  if (tag.status === 200) {
    const commit = json<{ commit: { id: string } }>(tag).commit.id;
    if (commit !== release.commit) throw refused(release.tag, commit, release.commit);
  }

  const packages = json<{ id: number; version: string }[]>(
    await call(transport, { method: "GET", url: `${project}/packages?package_type=generic&package_name=${PACKAGE}&per_page=100` }, [200]),
  );
  const pkg = packages.find((p) => p.version === version);
  const files = pkg ? json<GitLabPackageFile[]>(await call(transport, { method: "GET", url: `${project}/packages/${pkg.id}/package_files?per_page=100` }, [200])) : [];
  const fileUrl = (name: string) => `${project}/packages/generic/${PACKAGE}/${encodeURIComponent(version)}/${encodeURIComponent(name)}`;
  for (const asset of release.assets) {
    const found = files.filter((f) => f.file_name === asset.name);
    if (found.length > 0) {
      if (!found.some((f) => f.file_sha256 === asset.sha256)) throw differs(asset.name, `package ${PACKAGE}/${version}`);
      actions.push(`keep ${asset.name} (same sha256)`);
      continue;
    }
    actions.push(`upload ${asset.name}`);
    if (dryRun) continue;
    await call(transport, { method: "PUT", url: `${fileUrl(asset.name)}?select=package_file`, file: asset.path }, [200, 201]);
  }

  const existing = await call(transport, { method: "GET", url: `${project}/releases/${encodeURIComponent(release.tag)}` }, [200, 404]);
  const links = release.assets.map((a) => ({ name: a.name, url: fileUrl(a.name), link_type: "package" }));
  let self: string | undefined;
  if (existing.status === 404) {
    actions.push(`create the release ${release.tag} on ${target.repository} at ${release.commit.slice(0, 12)}`);
    if (dryRun) return { url: `${target.webUrl}/-/releases/${encodeURIComponent(release.tag)}`, actions };
    const created = json<GitLabRelease>(
      await call(
        transport,
        { method: "POST", url: `${project}/releases`, json: { tag_name: release.tag, ref: release.commit, name: release.name, description: release.notes, assets: { links } } },
        [201],
      ),
    );
    self = created._links?.self;
  } else {
    const current = json<GitLabRelease>(existing);
    self = current._links?.self;
    actions.push(`keep the release ${release.tag}`);
    const have = new Set((current.assets?.links ?? []).map((l) => l.name));
    for (const link of links.filter((l) => !have.has(l.name))) {
      actions.push(`link ${link.name}`);
      if (dryRun) continue;
      await call(transport, { method: "POST", url: `${project}/releases/${encodeURIComponent(release.tag)}/assets/links`, json: link }, [201]);
    }
  }
  return { url: self ?? `${target.webUrl}/-/releases/${encodeURIComponent(release.tag)}`, actions };
}
