import { OCI_LABELS } from "./labels.js";
import type { InspectedImage } from "./inspect.js";

/** The rules of the image policy; each can be turned off in pipeline.yaml with a reason. */
export const POLICY_RULES = ["nonRootUser", "numericUser", "healthcheck", "secretEnv", "forbiddenFiles", "labels"] as const;
export type PolicyRule = (typeof POLICY_RULES)[number];

export interface PolicyOptions {
  /** Rules turned off, each with the reason the team gave (shown in the summary). */
  disabled: ReadonlyMap<PolicyRule, string>;
  /** Labels that must be present and non-empty. */
  requiredLabels: readonly string[];
  /** Path globs (relative to the image root) no layer may hold; `**` crosses folders. */
  forbiddenFiles: readonly string[];
  /** Globs exempted from forbiddenFiles (e.g. a test key a package ships). */
  allowedFiles: readonly string[];
}

export interface Violation {
  rule: PolicyRule;
  platform: string;
  message: string;
  fix: string;
}

export const DEFAULT_REQUIRED_LABELS = Object.values(OCI_LABELS);

/**
 * Files no image should carry, in any layer (a later layer deleting one
 * leaves it in the image): VCS data, dotenv files, private keys and
 * credential files. Public certificates (`*.pem`, `*.crt`) are allowed: every
 * base image ships a CA bundle.
 */
export const DEFAULT_FORBIDDEN_FILES = [
  "**/.git",
  "**/.git/**",
  "**/.env",
  "**/.env.*",
  "**/id_rsa",
  "**/id_dsa",
  "**/id_ecdsa",
  "**/id_ed25519",
  "**/*.key",
  "**/*.p12",
  "**/*.pfx",
  "**/.npmrc",
  "**/.pypirc",
  "**/.netrc",
  "**/.git-credentials",
  "**/.aws/credentials",
  "**/.docker/config.json",
];

/** Templates of a dotenv file are documentation, not secrets. */
export const DEFAULT_ALLOWED_FILES = ["**/.env.example", "**/.env.sample", "**/.env.template", "**/.env.dist"];

/** Env names that hold secrets when they hold anything. */
const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?|AUTH)/i;
/** Values that are secrets whatever their name: well-known token formats and key material. */
const SECRET_VALUE = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /\bgh[pousr]_[A-Za-z0-9]{36,}\b/,
  /\bgithub_pat_[A-Za-z0-9_]{22,}\b/,
  /\bglpat-[A-Za-z0-9_-]{20,}\b/,
  /\bAKIA[0-9A-Z]{16}\b/,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/,
  /\bsk_live_[A-Za-z0-9]{16,}\b/,
  /\bnpm_[A-Za-z0-9]{36}\b/,
];
/** Values under a secret-looking name that are references or placeholders, not secrets. */
const NOT_A_SECRET = /^(|\/[\w./-]*|[a-z]+:\/\/[^:@]*|\$\{?\w+\}?|changeme|none|null|false|true|0|1)$/i;

/** Checks one image's config and layers against the rules; every violation names its rule and its fix. */
export function checkImagePolicy(images: readonly InspectedImage[], options: PolicyOptions): Violation[] {
  const violations: Violation[] = [];
  const on = (rule: PolicyRule) => !options.disabled.has(rule);
  for (const image of images) {
    const add = (rule: PolicyRule, message: string, fix: string) => violations.push({ rule, platform: image.platform, message, fix });
    const config = image.config.config ?? {};
    const user = (config.User ?? "").trim();
    const uid = user.split(":")[0] ?? "";
    if (on("nonRootUser") && (uid === "" || uid === "0" || uid === "root")) {
      add("nonRootUser", user === "" ? "the image runs as root: no USER is set" : `the image runs as root: USER ${user}`, "add `USER 65532:65532` (or another non-zero uid) to the final stage of the Dockerfile");
    } else if (on("numericUser") && !/^\d+(:\d+)?$/.test(user)) {
      add("numericUser", `USER ${user} is a name: Kubernetes runAsNonRoot cannot verify a name is not root`, `use the numeric uid:gid of ${JSON.stringify(uid)} in USER, e.g. USER 1000:1000`);
    }
    const test = config.Healthcheck?.Test ?? [];
    if (on("healthcheck") && (test.length === 0 || test[0] === "NONE")) {
      add(
        "healthcheck",
        test[0] === "NONE" ? "HEALTHCHECK NONE turns the health check off" : "the image has no HEALTHCHECK",
        'add `HEALTHCHECK CMD ["/app/server", "-healthcheck"]` (exec form: no shell needed), or turn the rule off with a reason: image.policy.disable: [{ rule: healthcheck, reason: "..." }]',
      );
    }
    if (on("secretEnv")) {
      for (const entry of config.Env ?? []) {
        const eq = entry.indexOf("=");
        const name = eq < 0 ? entry : entry.slice(0, eq);
        const value = eq < 0 ? "" : entry.slice(eq + 1);
        const byValue = SECRET_VALUE.some((pattern) => pattern.test(value));
        if (byValue || (SECRET_NAME.test(name) && !NOT_A_SECRET.test(value))) {
          // The value is never repeated: the report would leak what the rule exists to catch.
          add("secretEnv", `ENV ${name} holds a value that looks like a secret${byValue ? " (a known token or key format)" : ""}`, `remove ${name} from the image and pass it at run time (a Kubernetes Secret, --env-file), then rotate it: it is in the published layers' config`);
        }
      }
    }
    if (on("forbiddenFiles")) {
      const forbidden = options.forbiddenFiles.map(globToRegExp);
      const allowed = options.allowedFiles.map(globToRegExp);
      const seen = new Set<string>();
      image.layers.forEach((layer, index) => {
        for (const raw of layer.files) {
          const path = normalizePath(raw);
          const base = path.slice(path.lastIndexOf("/") + 1);
          if (path === "" || base.startsWith(".wh.")) continue;
          if (!forbidden.some((re) => re.test(path)) || allowed.some((re) => re.test(path))) continue;
          // One line per forbidden tree: a .git folder's thousand objects are one problem.
          const root = path.replace(/(^|\/)\.git\/.*$/, "$1.git");
          if (seen.has(root)) continue;
          seen.add(root);
          add("forbiddenFiles", `layer ${index + 1} (${layer.digest.slice(0, 19)}) holds /${root}`, `keep it out of the build context (.dockerignore: ${base === ".git" || root.endsWith(".git") ? ".git" : base}); deleting it in a later layer leaves it in the image. If it is meant to be there, list it in image.policy.allowFiles`);
        }
      });
    }
    if (on("labels")) {
      const labels = config.Labels ?? {};
      const missing = options.requiredLabels.filter((name) => !labels[name]?.trim());
      if (missing.length > 0) {
        add("labels", `missing label${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`, "the pipeline sets the OCI labels from the commit: build with the source's git metadata (a checkout, not an export), or set the label in the Dockerfile");
      }
    }
  }
  return violations;
}

/** A violation as the summary shows it. */
export function formatViolation(v: Violation): string {
  return `image policy ${v.rule} (${v.platform}): ${v.message}.\n  Fix: ${v.fix}.`;
}

function normalizePath(path: string): string {
  return path.replace(/^\.\//, "").replace(/^\/+/, "").replace(/\/+$/, "");
}

/** A glob as a RegExp over slash-separated paths: `**` any folders (or none), `*` within one segment, `?` one character. */
export function globToRegExp(glob: string): RegExp {
  let re = "";
  const g = normalizePath(glob);
  for (let i = 0; i < g.length; i++) {
    const c = g[i]!;
    if (c === "*" && g[i + 1] === "*") {
      const slash = g[i + 2] === "/";
      re += slash ? "(?:.*/)?" : ".*";
      i += slash ? 2 : 1;
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}
