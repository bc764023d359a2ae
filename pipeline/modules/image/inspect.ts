/**
 * Reading an exported image (an OCI image layout tarball, as Dagger's
 * `asTarball` writes it) without a daemon or a registry: a fixed sh script
 * unpacks it and prints every JSON blob (index, manifests, configs) and the
 * file list of every layer; `parseInspection` rebuilds each platform's image
 * from that. The tarball's path is the script's only argument ("$1"): nothing
 * a user gives is ever part of the script.
 */

/** Where the tarball is mounted for the script. */
export const INSPECT_TARBALL = "/image/image.tar";

export const INSPECT_SCRIPT = [
  "set -eu",
  'work=$(mktemp -d)',
  'tar -xf "$1" -C "$work"',
  'cd "$work"',
  'if [ ! -f index.json ]; then echo "pipeline: $1 is not an OCI image layout (no index.json)" >&2; exit 3; fi',
  "printf '=== json index.json\\n'; cat index.json; printf '\\n=== end\\n'",
  "layers=0",
  "for blob in blobs/sha256/*; do",
  '  digest="sha256:${blob##*/}"',
  '  magic=$(head -c 2 "$blob" | od -An -tx1 | tr -d " \\n")',
  '  case "$magic" in',
  "    7b*) printf '=== json %s\\n' \"$digest\"; cat \"$blob\"; printf '\\n=== end\\n' ;;",
  "    1f8b) printf '=== layer %s\\n' \"$digest\"; tar -tzf \"$blob\"; printf '=== end\\n'; layers=$((layers + 1)) ;;",
  "    28b5) echo \"pipeline: layer $digest is zstd-compressed, which this check cannot list\" >&2; exit 4 ;;",
  "    *) if tar -tf \"$blob\" >/dev/null 2>&1; then printf '=== layer %s\\n' \"$digest\"; tar -tf \"$blob\"; printf '=== end\\n'; layers=$((layers + 1)); fi ;;",
  "  esac",
  "done",
  // An exit 0 always comes with an image: an empty listing can only be a plan's simulated exec.
  'if [ "$layers" -eq 0 ]; then echo "pipeline: $1 holds no layer" >&2; exit 3; fi',
].join("\n");

/** The exec's argv: the script, then its argument. */
export function inspectArgs(tarball = INSPECT_TARBALL): string[] {
  return ["sh", "-c", INSPECT_SCRIPT, "inspect-image", tarball];
}

/** The parts of an OCI image config the policy reads (image-spec config.md). */
export interface ImageConfig {
  architecture?: string;
  os?: string;
  variant?: string;
  config?: {
    User?: string;
    Env?: string[];
    Labels?: Record<string, string> | null;
    Healthcheck?: { Test?: string[] | null } | null;
    Entrypoint?: string[] | null;
    Cmd?: string[] | null;
  };
}

export interface InspectedLayer {
  digest: string;
  files: string[];
}

export interface InspectedImage {
  /** The manifest's digest (what a platform-specific pull resolves to). */
  manifestDigest: string;
  platform: string;
  config: ImageConfig;
  layers: InspectedLayer[];
}

interface Descriptor {
  mediaType?: string;
  digest: string;
  platform?: { os?: string; architecture?: string; variant?: string };
}

/** Rebuilds every platform's image from the script's output. Empty output (a plan's simulated exec) gives none. */
export function parseInspection(output: string): InspectedImage[] {
  const json = new Map<string, unknown>();
  const layers = new Map<string, string[]>();
  const lines = output.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const header = /^=== (json|layer) (\S+)$/.exec(lines[i]!);
    if (!header) continue;
    const end = lines.indexOf("=== end", i + 1);
    if (end < 0) throw new Error(`image inspection output ends inside ${header[2]}`);
    const body = lines.slice(i + 1, end);
    if (header[1] === "json") json.set(header[2]!, JSON.parse(body.join("\n")));
    else layers.set(header[2]!, body.filter((l) => l !== ""));
    i = end;
  }
  const index = json.get("index.json") as { manifests?: Descriptor[] } | undefined;
  if (!index) return [];
  const images: InspectedImage[] = [];
  const visit = (descriptor: Descriptor, inherited?: Descriptor["platform"]) => {
    const doc = json.get(descriptor.digest) as { manifests?: Descriptor[]; config?: Descriptor; layers?: Descriptor[] } | undefined;
    if (!doc) throw new Error(`image inspection: ${descriptor.digest} is referenced but not in the layout`);
    if (doc.manifests) {
      for (const child of doc.manifests) visit(child, child.platform ?? descriptor.platform);
      return;
    }
    // Attestation manifests (BuildKit's, platform unknown/unknown) carry no image.
    if (descriptor.platform?.os === "unknown" || !doc.config) return;
    const config = (json.get(doc.config.digest) ?? {}) as ImageConfig;
    const p = inherited ?? descriptor.platform ?? { os: config.os, architecture: config.architecture, variant: config.variant };
    images.push({
      manifestDigest: descriptor.digest,
      platform: [p.os, p.architecture, p.variant].filter(Boolean).join("/"),
      config,
      layers: (doc.layers ?? []).map((l) => ({ digest: l.digest, files: layers.get(l.digest) ?? [] })),
    });
  };
  for (const descriptor of index.manifests ?? []) visit(descriptor, descriptor.platform);
  return images;
}
