/**
 * The scanners' command lines, as pure functions: the real-tool tests run
 * exactly these. Every tool writes a machine-readable report (JSON) that
 * the parsers in parsers/ read; no command line holds a value from the
 * user other than a file name, and none goes through a shell.
 */

/** Where the project is in every scanner's container; gitleaks gets the whole repository at REPOSITORY_ROOT. */
export const PROJECT_ROOT = "/src";
export const REPOSITORY_ROOT = "/repo";
/** The bundled semgrep rules, outside the scanned tree. */
export const BUNDLED_RULES_DIR = "/pipeline/semgrep";
export const BUNDLED_RULES_FILE = `${BUNDLED_RULES_DIR}/bundled.yaml`;
/** The project's own semgrep rules (registry-free YAML), when it has the folder. */
export const PROJECT_RULES_DIR = ".semgrep";

/** Reports land in /tmp, which every image's non-root user may write. */
export const REPORTS = {
  gitleaksDir: "/tmp/gitleaks-dir.json",
  gitleaksGit: "/tmp/gitleaks-git.json",
  semgrep: "/tmp/semgrep.json",
  bandit: "/tmp/bandit.json",
  gosec: "/tmp/gosec.json",
  trivy: "/tmp/trivy.json",
  pipAudit: (n: number) => `/tmp/pip-audit-${n}.json`,
} as const;

/** Cache folders, each a volume: databases and check bundles survive between runs. */
export const CACHES = {
  trivy: "/cache/trivy",
  osvScanner: "/cache/osv-scanner",
  pipAudit: "/cache/pip-audit",
} as const;

/** gitleaks on the working tree (`dir`) or on every commit reachable from any ref (`git`). Secrets redacted in its report. */
export function gitleaksArgs(mode: "dir" | "git", report: string): string[] {
  const opts = mode === "git" ? ["--log-opts=--all"] : [];
  return ["gitleaks", mode, ".", ...opts, "--report-format", "json", "--report-path", report, "--redact", "--exit-code", "0", "--no-banner", "--log-level", "warn"];
}

/** semgrep with the bundled rules and, when present, the project's `.semgrep/`: no registry, no metrics. */
export function semgrepArgs(options: { rulesFile: string; projectRules: boolean; report: string }): string[] {
  return [
    "semgrep",
    "scan",
    "--config",
    options.rulesFile,
    ...(options.projectRules ? ["--config", PROJECT_RULES_DIR] : []),
    "--json",
    "--output",
    options.report,
    "--metrics",
    "off",
    "--disable-version-check",
    "--quiet",
    ".",
  ];
}

/** bandit over the project; --exit-zero so its exit code means "could not scan", not "found something". */
export function banditArgs(report: string): string[] {
  return ["bandit", "-r", ".", "-x", "./.venv,./venv,./node_modules", "-f", "json", "-o", report, "-q", "--exit-zero"];
}

/** gosec over every package (test files excluded, its default); -no-fail for the same reason. */
export function gosecArgs(report: string): string[] {
  return ["gosec", "-fmt", "json", "-out", report, "-no-fail", "-quiet", "-exclude-generated", "./..."];
}

/** govulncheck's JSON stream on stdout (exit 0 whatever it finds); `db` is vuln.go.dev or a mirror. */
export function govulncheckArgs(db: string): string[] {
  return ["govulncheck", "-db", db, "-format", "json", "./..."];
}

/** trivy's misconfiguration checks (Dockerfiles, Kubernetes, Helm, Terraform...) on the project folder. */
export function trivyConfigArgs(report: string, cacheDir: string): string[] {
  return ["trivy", "config", "--format", "json", "--output", report, "--cache-dir", cacheDir, "--exit-code", "0", "--quiet", "."];
}

/** hadolint on the Dockerfiles found; its config (.hadolint.yaml) is read from the project root. */
export function hadolintArgs(dockerfiles: readonly string[]): string[] {
  return ["hadolint", "--no-fail", "-f", "json", ...dockerfiles];
}

/** osv-scanner on one lockfile, JSON on stdout, against the offline database it keeps up to date in its cache. */
export function osvScannerArgs(lockfile: string): string[] {
  return ["/osv-scanner", "scan", "source", "--lockfile", lockfile, "--format", "json", "--offline-vulnerabilities", "--download-offline-databases"];
}

/** pip-audit on a requirements file, or (`.`) the project's pyproject.toml dependencies. */
export function pipAuditArgs(input: { requirements: string } | { project: "." }, report: string, cacheDir: string): string[] {
  const target = "requirements" in input ? ["--requirement", input.requirements] : ["."];
  return ["pip-audit", ...target, "--format", "json", "--output", report, "--progress-spinner", "off", "--cache-dir", cacheDir];
}

/** The Node lockfiles osv-scanner reads, in the order a project is likelier to have them. */
export const NODE_LOCKFILES = ["package-lock.json", "npm-shrinkwrap.json", "pnpm-lock.yaml", "yarn.lock", "bun.lock"] as const;

/** Dockerfiles by name: Dockerfile, Dockerfile.prod, prod.Dockerfile, Containerfile. */
export const DOCKERFILE_GLOBS = ["**/Dockerfile", "**/Dockerfile.*", "**/*.Dockerfile", "**/Containerfile"] as const;

/** Paths the Dockerfile search leaves out: dependencies and tool caches, not the project's. */
export function isProjectDockerfile(path: string): boolean {
  return !/(^|\/)(node_modules|vendor|\.venv|venv|\.git)\//.test(path) && !/\.(md|txt|dockerignore)$/i.test(path);
}
