/** The scan stage's execs, told apart from the toolchains' by their command (see pipeline/modules/scan/args.ts). */
const SCANNERS = new Set(["govulncheck", "gosec", "semgrep", "gitleaks", "trivy", "hadolint", "bandit", "pip-audit", "/osv-scanner"]);

export function isScanExec(argv: readonly string[]): boolean {
  if (SCANNERS.has(argv[0]!)) return true;
  // The Go scanners' builds, and the Python scanners' install.
  return (argv[0] === "go" && argv[1] === "install") || (argv[0] === "pip" && argv[1] === "install" && argv.some((a) => a.startsWith("bandit==")));
}
