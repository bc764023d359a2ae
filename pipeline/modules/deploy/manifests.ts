import { parseAllDocuments } from "../../vendor/yaml.js";
import { DeployInputError, type DigestRef } from "./image-ref.js";
import { ROLLOUT_KINDS, type RolloutKind, type Workload } from "./workload.js";

/** One Kubernetes object of the rendered manifests. */
export interface ManifestObject {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string | undefined;
  raw: Record<string, unknown>;
}

/** Parses a rendered multi-document stream (kustomize build, helm template); a document that is no object is an error. */
export function parseManifests(text: string, source: string): ManifestObject[] {
  const objects: ManifestObject[] = [];
  parseAllDocuments(text).forEach((doc, index) => {
    if ("errors" in doc && doc.errors.length > 0) throw new DeployInputError(`${source}: document ${index + 1} is not valid YAML: ${doc.errors[0]!.message.split("\n")[0]}`, "DEPLOY_MANIFEST_INVALID");
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return;
    const raw = value as Record<string, unknown>;
    const metadata = (raw["metadata"] ?? {}) as Record<string, unknown>;
    if (typeof raw !== "object" || typeof raw["kind"] !== "string" || typeof raw["apiVersion"] !== "string" || typeof metadata["name"] !== "string") {
      throw new DeployInputError(`${source}: document ${index + 1} is not a Kubernetes object (it needs apiVersion, kind and metadata.name)`, "DEPLOY_MANIFEST_INVALID");
    }
    objects.push({
      apiVersion: raw["apiVersion"],
      kind: raw["kind"],
      name: metadata["name"],
      namespace: typeof metadata["namespace"] === "string" ? metadata["namespace"] : undefined,
      raw,
    });
  });
  if (objects.length === 0) throw new DeployInputError(`${source} rendered no Kubernetes object`, "DEPLOY_MANIFEST_EMPTY");
  return objects;
}

/** The workloads a rollout waits for, in manifest order. */
export function workloadsOf(objects: readonly ManifestObject[], defaultNamespace: string | undefined): Workload[] {
  return objects
    .filter((o) => o.apiVersion === "apps/v1" && (ROLLOUT_KINDS as readonly string[]).includes(o.kind))
    .map((o) => ({ kind: o.kind as RolloutKind, name: o.name, namespace: o.namespace ?? defaultNamespace }));
}

/** Pod specs of the objects that run pods, with where each is. */
function podSpecs(object: ManifestObject): Record<string, unknown>[] {
  const spec = object.raw["spec"] as Record<string, unknown> | undefined;
  if (!spec) return [];
  if (object.kind === "Pod") return [spec];
  const template = (object.kind === "CronJob" ? ((spec["jobTemplate"] as Record<string, unknown> | undefined)?.["spec"] as Record<string, unknown> | undefined) : spec)?.["template"] as
    | Record<string, unknown>
    | undefined;
  const podSpec = template?.["spec"];
  return podSpec && typeof podSpec === "object" ? [podSpec as Record<string, unknown>] : [];
}

/** Every container image the objects run (init and ephemeral containers too), with the object naming it. */
export function imagesOf(objects: readonly ManifestObject[]): { image: string; object: string }[] {
  const found: { image: string; object: string }[] = [];
  for (const object of objects) {
    for (const spec of podSpecs(object)) {
      for (const key of ["initContainers", "containers", "ephemeralContainers"]) {
        const containers = spec[key];
        if (!Array.isArray(containers)) continue;
        for (const c of containers as Record<string, unknown>[]) {
          if (typeof c["image"] === "string") found.push({ image: c["image"], object: `${object.kind}/${object.name}` });
        }
      }
    }
  }
  return found;
}

/** The repository part of an image reference (no tag, no digest). */
export function repositoryOf(image: string): string {
  const withoutDigest = image.split("@")[0]!;
  const slash = withoutDigest.lastIndexOf("/");
  const colon = withoutDigest.lastIndexOf(":");
  return colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
}

/**
 * The check between rendering and applying: the manifests run the deployed
 * digest, and no container of that repository is left on a tag or another
 * digest (a second Deployment the overlay forgot, a sidecar of the same image).
 */
export function checkDeployedImage(objects: readonly ManifestObject[], image: DigestRef, source: string): void {
  const images = imagesOf(objects);
  const ours = images.filter((i) => repositoryOf(i.image) === image.name);
  const stale = ours.filter((i) => i.image !== image.ref);
  if (ours.length === 0) {
    const seen = [...new Set(images.map((i) => i.image))].join(", ") || "none";
    throw new DeployInputError(
      `${source}: no container runs ${image.ref}, so this deploy would change nothing (images in the manifests: ${seen}).\n` +
        "  Fix: set deploy.image to the image name the manifests use (kustomize's images[].name; for Helm, the chart's repository value), or point --image at that repository.",
      "DEPLOY_IMAGE_NOT_RENDERED",
    );
  }
  if (stale.length > 0) {
    const list = stale.map((s) => `${s.object} runs ${s.image}`).join("; ");
    throw new DeployInputError(
      `${source}: ${list}, not ${image.ref}: part of the environment would run another build.\n` +
        "  Fix: let every container of this image take it from the same place (one images: entry in the overlay, one image value in the chart).",
      "DEPLOY_IMAGE_MIXED",
    );
  }
}
