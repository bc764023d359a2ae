import { z } from "../../vendor/zod.js";
import { DEPLOY_IMAGES } from "../../modules/pins.js";
import { parseDuration } from "../../modules/deploy/duration.js";
import { IMAGE_NAME } from "../../modules/deploy/image-ref.js";
import { emptyIsAbsent, explained, insidePath, matching, pinnedImage, section } from "./rules.js";

/**
 * pipeline.yaml's `deploy` section: the environments `dagger call deploy
 * --environment <name>` deploys to, each from a kustomize overlay, a Helm
 * chart, or by a commit to a GitOps repository; the rollout timeout, the
 * health check with its retries and backoff, and the automatic rollback.
 */

const DURATION = /^(\d+(\.\d+)?(ms|s|m|h))+$/;

/** A duration as kubectl writes it ("30s", "5m", "1m30s"). */
export function duration(key: string, fallback: string) {
  return matching(DURATION, (value) => ({
    message: `expected a duration like 30s, 5m or 1m30s, got ${JSON.stringify(value)}`,
    fix: `write ${key} as a number with a unit (ms, s, m, h), e.g. ${fallback}`,
  }))
    .refine((value) => (parseDuration(value) ?? 0) > 0, { message: "a duration of zero would never wait" })
    .default(fallback);
}

/** A DNS label, as Kubernetes names namespaces, releases and services. */
const dnsLabel = (what: string, example: string) =>
  matching(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, (value) => ({
    message: `expected a ${what} (lower-case letters, digits and "-", at most 63), got ${JSON.stringify(value)}`,
    fix: `rename it, e.g. ${example}`,
  }));

/** A dotted Helm values key, safe in `--set-string key=value` (no commas, brackets, quotes or escapes). */
const valuesKey = (fallback: string) =>
  matching(/^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*$/, (value) => ({
    message: `expected a dotted values key like ${fallback}, got ${JSON.stringify(value)}`,
    fix: `write the key as names joined by dots, e.g. ${fallback}`,
  })).default(fallback);

const imageKeys = section(
  z.strictObject({
    repository: valuesKey("image.repository").describe("Values key the image's repository goes to."),
    digest: valuesKey("image.digest").describe("Values key the digest (sha256:...) goes to; the chart must render repository@digest."),
  }),
).describe("Where the chart takes the image from: set with --set-string, never a tag.");

const kustomize = z
  .strictObject({
    overlay: insidePath("deploy.environments.<name>.kustomize.overlay", "project", "deploy/overlays/staging").describe(
      "The overlay folder (with its kustomization.yaml), relative to the project.",
    ),
  })
  .describe("Render with kustomize: the image set in the overlay by `kustomize edit set image`, then `kustomize build`.");

const helm = z
  .strictObject({
    chart: insidePath("deploy.environments.<name>.helm.chart", "project", "deploy/chart").describe("The chart folder, relative to the project."),
    release: dnsLabel("Helm release name", "go-service").describe("The Helm release."),
    values: emptyIsAbsent(z.array(insidePath("deploy.environments.<name>.helm.values[]", "project", "deploy/chart/values-staging.yaml")).default([])).describe(
      "Values files, relative to the project, in order (later ones win): typically one per environment.",
    ),
    imageKeys,
  })
  .describe("Install or upgrade a Helm chart (Helm 4, applied server-side), the image given by digest.");

const httpUrl = explained(z.string(), (value) => {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url && (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "" && url.username === "" && url.password === "") return undefined;
  const why = url && url.protocol !== "http:" && url.protocol !== "https:" ? `its scheme is ${url.protocol.replace(":", "")}, not http or https` : url && (url.username || url.password) ? "it has credentials in it" : "it is not a URL";
  return { message: `expected an http(s) URL like https://staging.example.com/healthz, got ${JSON.stringify(value)}: ${why}`, fix: "write the full http:// or https:// URL of the health endpoint, without credentials" };
});

const service = z
  .strictObject({
    name: dnsLabel("Service name", "go-service").describe("The Service to probe."),
    port: z.union([z.string().min(1), z.number().int().min(1).max(65535)]).default("http").transform(String).describe("Its port, by name or number."),
    path: matching(/^\/[^\s]*$/, (value) => ({ message: `expected a path starting with /, got ${JSON.stringify(value)}`, fix: "write the path of the health endpoint, e.g. /healthz" }))
      .default("/healthz")
      .describe("The health endpoint's path."),
    scheme: z.enum(["http", "https"]).default("http").describe("The scheme the Service speaks."),
  })
  .describe("Probe the app inside the cluster, through the API server's service proxy (kubectl get --raw), for apps CI cannot reach.");

const health = z
  .strictObject({
    url: httpUrl.optional().describe("The app's health endpoint, probed with curl from the pipeline: https://staging.example.com/healthz."),
    service: service.optional(),
    expectStatus: emptyIsAbsent(z.array(z.number().int().min(100).max(599)).min(1).optional()).describe("HTTP statuses that mean healthy (url only); default any 2xx."),
    attempts: z.number().int().min(1).max(1000).default(10).describe("Probes at most before the deploy counts as unhealthy."),
    initialDelay: duration("deploy.environments.<name>.health.initialDelay", "5s").describe("Wait after the rollout before the first probe."),
    interval: duration("deploy.environments.<name>.health.interval", "2s").describe("Wait before the second probe; later waits grow by backoffFactor."),
    backoffFactor: z.number().min(1).max(10).default(2).describe("Each wait is the previous one times this (1: a fixed interval)."),
    maxInterval: duration("deploy.environments.<name>.health.maxInterval", "30s").describe("The longest wait between two probes."),
    timeout: duration("deploy.environments.<name>.health.timeout", "10s").describe("How long one probe may take."),
    deadline: duration("deploy.environments.<name>.health.deadline", "5m").describe("The whole check gives up when the next probe would start after this."),
    successThreshold: z.number().int().min(1).max(100).default(1).describe("Healthy answers in a row that make the app healthy."),
  })
  .superRefine((value, ctx) => {
    if ((value.url === undefined) === (value.service === undefined)) {
      ctx.addIssue({
        code: "custom",
        message: value.url === undefined ? "a health check needs url or service" : "a health check has either url or service, not both",
        params: { fix: "keep one: url (probed from the pipeline) or service (probed through the cluster's API server)" },
        input: value,
      });
    }
    if (value.expectStatus && value.service) {
      ctx.addIssue({ code: "custom", message: "expectStatus applies to a url probe", params: { fix: "remove expectStatus, or probe a url" }, path: ["expectStatus"], input: value });
    }
  })
  .describe("The health check after the rollout, with retries and exponential backoff; failing it rolls the deploy back.");

const gitRepository = explained(z.string(), (value) =>
  /^https:\/\/[^\s/@]+\/\S+$/.test(value) || /^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?\/\S+$/.test(value) || /^file:\/\/\/\S+$/.test(value)
    ? undefined
    : {
        message: `expected the deploy repository's https:// URL, without credentials, got ${JSON.stringify(value)}`,
        fix: "write it like https://github.com/acme/deploy.git; the token goes in --git-token, never in the URL (ssh remotes are not supported)",
      },
);

const gitops = z
  .strictObject({
    repository: gitRepository.describe("The deploy repository the cluster's GitOps controller (Argo CD, Flux) pulls."),
    branch: matching(/^(?!-)[\w./-]+$/, (value) => ({ message: `expected a branch name, got ${JSON.stringify(value)}`, fix: "write the branch, e.g. main" }))
      .default("main")
      .describe("The branch to commit to."),
    path: insidePath("deploy.environments.<name>.gitops.path", "repository", "apps/go-service/staging").describe(
      "Folder in the deploy repository: the environment's kustomize overlay, or where the Helm values file goes.",
    ),
    edit: z.enum(["kustomize", "helmValues"]).default("kustomize").describe("kustomize: `kustomize edit set image` in path; helmValues: write valuesFile there, owned by the pipeline."),
    valuesFile: insidePath("deploy.environments.<name>.gitops.valuesFile", "repository", "image-values.yaml").default("image-values.yaml").describe("helmValues: the file written (list it in the Application's valueFiles)."),
    imageKeys,
    username: z.string().min(1).default("x-access-token").describe("User name sent with --git-token (GitHub: x-access-token; GitLab: oauth2)."),
    author: section(
      z.strictObject({
        name: z.string().min(1).default("pipeline").describe("Commit author name."),
        email: z.string().min(3).default("pipeline@users.noreply.github.com").describe("Commit author email."),
      }),
    ).describe("Who the deploy commit is by."),
    pushAttempts: z.number().int().min(1).max(10).default(3).describe("Pushes tried when the branch moved meanwhile (each after a rebase)."),
  })
  .describe("GitOps: commit the digest to a deploy repository instead of applying (the cluster pulls it).");

const environment = z
  .strictObject({
    kustomize: kustomize.optional(),
    helm: helm.optional(),
    gitops: gitops.optional(),
    namespace: dnsLabel("namespace", "go-service-staging").optional().describe("Namespace for objects that set none (kubectl --namespace, helm --namespace)."),
    rolloutTimeout: duration("deploy.environments.<name>.rolloutTimeout", "5m").describe("How long `kubectl rollout status` waits, for all workloads together."),
    health: health.optional(),
    rollback: z.boolean().default(true).describe("On a failed rollout or health check, go back to the revision that ran before, and wait until it is healthy."),
    forceConflicts: z
      .boolean()
      .default(true)
      .describe(
        "kubectl apply --force-conflicts: the manifests win over fields another field manager took (a kubectl edit, and the pipeline's own rollback: kubectl rollout undo owns the image it restored), as GitOps controllers apply. false refuses such a deploy, naming the field and its manager.",
      ),
  })
  .superRefine((value, ctx) => {
    const modes = (["kustomize", "helm", "gitops"] as const).filter((key) => value[key] !== undefined);
    if (modes.length !== 1) {
      ctx.addIssue({
        code: "custom",
        message: modes.length === 0 ? "an environment needs kustomize, helm or gitops" : `an environment deploys one way, not ${modes.join(" and ")}`,
        params: { fix: "keep exactly one of kustomize: { overlay }, helm: { chart, release } or gitops: { repository, path }" },
        input: value,
      });
    }
    if (value.gitops && value.health) {
      ctx.addIssue({
        code: "custom",
        message: "a GitOps environment has no health check here: the cluster's controller applies the commit at its own pace, so a probe right after the push would test the old version",
        params: { fix: "remove health (let Argo CD or Flux health-check and roll back), or deploy with kustomize or helm" },
        path: ["health"],
        input: value,
      });
    }
  })
  .describe("One environment: how to render and apply, where, and how to know it works.");

/** A deploy environment's name: a DNS-label-like word, safe as a flag value, a commit message word and a CI environment name. */
export const ENVIRONMENT_NAME = /^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$/;

/** The environments by name; a name is checked here, with its own message (a record's key check would only say "Invalid key"). */
const environments = z
  .record(z.string(), environment)
  .superRefine((value, ctx) => {
    for (const name of Object.keys(value)) {
      if (ENVIRONMENT_NAME.test(name)) continue;
      ctx.addIssue({
        code: "custom",
        message: `expected an environment name (lower-case letters, digits and "-", at most 32), got ${JSON.stringify(name)}`,
        params: { fix: "rename it, e.g. staging or production: it names the environment in --environment, commit messages and summaries" },
        path: [name],
        input: name,
      });
    }
  })
  .meta({ propertyNames: { pattern: ENVIRONMENT_NAME.source } });

const images = section(
  z.strictObject({
    kubectl: pinnedImage("deploy.images.kubectl", DEPLOY_IMAGES.kubectl).default(DEPLOY_IMAGES.kubectl).describe("kubectl: validate, diff, apply, rollout, undo."),
    kustomize: pinnedImage("deploy.images.kustomize", DEPLOY_IMAGES.kustomize).default(DEPLOY_IMAGES.kustomize).describe("kustomize: set image, build."),
    helm: pinnedImage("deploy.images.helm", DEPLOY_IMAGES.helm).default(DEPLOY_IMAGES.helm).describe("Helm 4: template, upgrade, history, rollback."),
    curl: pinnedImage("deploy.images.curl", DEPLOY_IMAGES.curl).default(DEPLOY_IMAGES.curl).describe("curl: the HTTP health check."),
    git: pinnedImage("deploy.images.git", DEPLOY_IMAGES.git).default(DEPLOY_IMAGES.git).describe("git: the GitOps clone, commit and push."),
  }),
).describe("The deploy tools' images, each pinned by a version tag or a digest.");

export const deploy = section(
  z.strictObject({
    image: matching(IMAGE_NAME, (value) => ({
      message: `expected an image name without tag or digest, like ghcr.io/acme/go-service, got ${JSON.stringify(value)}`,
      fix: "write the repository only; the digest comes from --image",
    }))
      .optional()
      .describe("The image name the manifests use (kustomize images[].name), set to --image's digest; default: --image's repository."),
    fieldManager: z.string().min(1).default("pipeline").describe("The server-side apply field manager."),
    environments: emptyIsAbsent(environments.default({})).describe("The environments, by name: `dagger call deploy --environment <name>`."),
    images,
  }),
).describe("Deploys: `dagger call deploy --environment staging --image <repo>@sha256:... --kubeconfig file://...`.");
