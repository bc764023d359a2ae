import { dag, type Container, type Directory, type File } from "@dagger.io/dagger";
import { goContainer, NETRC } from "../go/index.js";
import { withRerun, withSecretDuring, withStageLabel, type RegistryAccess } from "../call-inputs.js";
import type { ToolchainOptions } from "../toolchain.js";
import { NON_ROOT_HOME, NON_ROOT_USER } from "../non-root.js";
import { GO_SCAN_TOOLS, PYTHON_SCAN_TOOLS } from "../pins.js";
import { hasFile, type Project } from "../project.js";
import { PIP_CONF } from "../python/index.js";
import { runTool, timed, type StageResult } from "../stage.js";
import * as args from "./args.js";
import type { FailOn, IgnoreRule } from "./gate.js";
import type { Category, ToolReport } from "./model.js";
import { crashed, interpret, mergeReports, notRun } from "./outcome.js";
import { parseBandit } from "./parsers/bandit.js";
import { parseGitleaks } from "./parsers/gitleaks.js";
import { parseGosec } from "./parsers/gosec.js";
import { parseGovulncheck } from "./parsers/govulncheck.js";
import { parseHadolint } from "./parsers/hadolint.js";
import { parseOsvScanner } from "./parsers/osv-scanner.js";
import { parsePipAudit } from "./parsers/pip-audit.js";
import { parseSemgrep } from "./parsers/semgrep.js";
import { parseTrivy } from "./parsers/trivy.js";
import { bundledRulesFile } from "./semgrep-rules.js";
import { scanVerdict } from "./verdict.js";

/** Every scanner, by the key pipeline.yaml's `stages.scan.tools` switches it with. */
export const SCAN_TOOLS = ["govulncheck", "gosec", "osvScanner", "pipAudit", "semgrep", "bandit", "gitleaks", "trivy", "hadolint"] as const;
export type ScanTool = (typeof SCAN_TOOLS)[number];

export interface ScanImages {
  go: string;
  python: string;
  gitleaks: string;
  osvScanner: string;
  semgrep: string;
  trivy: string;
  hadolint: string;
}

export interface ScanOptions {
  language: "go" | "node" | "python";
  images: ScanImages;
  /** pipeline.yaml `workdir`: report paths are put under it. */
  workdir: string;
  failOn: FailOn;
  tools: Record<ScanTool, boolean>;
  /** Scan the git history for secrets too, when the repository has its .git. */
  history: boolean;
  govulncheckDb: string;
  ignores: readonly IgnoreRule[];
  ignoreProblems: readonly string[];
  ignoreFile: string;
  /** The toolchains' options: the Go scanners run in the Go toolchain's container; `--rerun` reaches every scanner. */
  toolchain: ToolchainOptions;
}

/** The whole repository: gitleaks reads all of it, and its history. */
export interface Repository {
  source: Directory;
  entries: readonly string[];
}

/**
 * The scan stage: every scanner that applies to the project, concurrently,
 * each in its pinned image as a non-root user with its cache in a volume;
 * then one verdict over all of them. A scanner that fails is reported as
 * such, and the others still report.
 */
export function scanStage(project: Project, repository: Repository, options: ScanOptions): Promise<StageResult> {
  return timed("scan", async () => {
    const start = new Date();
    const ctx = { root: args.PROJECT_ROOT, folder: options.workdir };
    const planned: Planned[] = [];
    if (options.language === "go") {
      const [govulncheckTool, gosecTool] = GO_SCAN_TOOLS;
      planned.push({ key: "govulncheck", tool: "govulncheck", category: "dependency", run: () => govulncheck(goScanContainer(project, options, govulncheckTool), options, ctx) });
      planned.push({ key: "gosec", tool: "gosec", category: "sast", run: () => gosec(goScanContainer(project, options, gosecTool), ctx) });
    }
    if (options.language === "node") planned.push({ key: "osvScanner", tool: "osv-scanner", category: "dependency", run: () => osvScanner(project, options, ctx) });
    if (options.language === "python") {
      const container = pythonScanContainer(options.images.python, options.toolchain.registries);
      planned.push({ key: "pipAudit", tool: "pip-audit", category: "dependency", run: () => pipAudit(container, project, options) });
      planned.push({ key: "bandit", tool: "bandit", category: "sast", run: () => bandit(container, project, options, ctx) });
    }
    planned.push({ key: "semgrep", tool: "semgrep", category: "sast", run: () => semgrep(project, options, ctx) });
    planned.push({ key: "gitleaks", tool: "gitleaks", category: "secret", run: () => gitleaks(repository, options) });
    planned.push({ key: "trivy", tool: "trivy", category: "misconfig", run: () => trivy(project, options, ctx) });
    planned.push({ key: "hadolint", tool: "hadolint", category: "misconfig", run: () => hadolint(project, options, ctx) });
    const reports = await Promise.all(
      planned.map(async ({ key, tool, category, run }) => {
        if (!options.tools[key]) return notRun(tool, category, `disabled in pipeline.yaml (stages.scan.tools.${key})`);
        // A scanner whose container could not be built (an install that failed) fails its own part: the others still report.
        return run().catch((error: unknown) => crashed(tool, category, error));
      }),
    );
    return scanVerdict(reports, { ...options, times: { start, end: new Date() } });
  });
}

type GoScan = ReturnType<typeof goScanContainer>;

interface Planned {
  key: ScanTool;
  tool: string;
  category: Category;
  run: () => Promise<ToolReport>;
}

/** A scanner's container before its run: `--rerun` set, and labelled with the stage (the Go scanners' toolchain container already is). */
function forRun(container: Container, options: ScanOptions): Container {
  return withStageLabel(withRerun(container, options.toolchain.rerun), options.toolchain.stage);
}

/** As the non-root user the toolchains use, HOME where it may write, the project owned by it. */
function unprivileged(container: Container): Container {
  return container.withEnvVariable("HOME", NON_ROOT_HOME).withUser(NON_ROOT_USER);
}

function withProject(container: Container, project: Project): Container {
  return container.withDirectory(args.PROJECT_ROOT, project.toolInputs, { owner: NON_ROOT_USER }).withWorkdir(args.PROJECT_ROOT);
}

/**
 * The Go toolchain's container (modules downloaded from go.mod/go.sum
 * alone, private modules as configured, the source, as the non-root user)
 * with govulncheck or gosec copied in: both load the project's packages
 * with its Go and its modules. Each is built apart, from its pinned module
 * version alone, so it builds once, beside the module download rather than
 * after it, and a source change rebuilds nothing.
 */
function goScanContainer(project: Project, options: ScanOptions, tool: string): { container: Container; binary: File } {
  const binary = goToolBinary(options.toolchain.images.go, tool, options.toolchain.registries);
  return { container: goContainer(project, options.toolchain.images.go, options.toolchain).withFile(`/usr/local/bin/${goBinaryName(tool)}`, binary), binary };
}

const GO_TOOLS_BIN = "/tmp/go-tools";

/** The tool built as the Go toolchain downloads: GOPRIVATE set, the .netrc mounted for the download alone (a company's GOPROXY may want it). */
function goToolBinary(image: string, tool: string, registries: RegistryAccess): File {
  const base = dag.container().from(image);
  return unprivileged(
    (registries.goprivate ? base.withEnvVariable("GOPRIVATE", registries.goprivate) : base)
      .withMountedCache("/go/pkg/mod", dag.cacheVolume("go-mod"), { owner: NON_ROOT_USER })
      .withMountedCache("/cache/go-build", dag.cacheVolume("go-build"), { owner: NON_ROOT_USER })
      .withEnvVariable("GOCACHE", "/cache/go-build")
      .withEnvVariable("GOMODCACHE", "/go/pkg/mod")
      .withEnvVariable("GOBIN", GO_TOOLS_BIN),
  )
    .with((c) => withSecretDuring(c, registries.netrc, NETRC, (install) => install.withExec(["go", "install", tool])))
    .file(`${GO_TOOLS_BIN}/${goBinaryName(tool)}`);
}

/** The command `go install` makes of a package path: its last element, a major-version suffix (/v2) skipped. */
export function goBinaryName(tool: string): string {
  const parts = tool.split("@")[0]!.split("/");
  const last = parts.pop()!;
  return /^v\d+$/.test(last) ? parts.pop()! : last;
}

async function govulncheck({ container, binary }: GoScan, options: ScanOptions, ctx: { root: string; folder: string }): Promise<ToolReport> {
  // The build is asked for at once, beside the module download, not only when the scan's chain reaches it.
  const [, run] = await Promise.all([binary.sync(), runTool(container, args.govulncheckArgs(options.govulncheckDb))]);
  const goMod = options.workdir === "." ? "go.mod" : `${options.workdir.replace(/\/+$/, "")}/go.mod`;
  return interpret({ tool: "govulncheck", category: "dependency", run, okExits: [0], report: run.stdout, parse: (text) => parseGovulncheck(text, { ...ctx, goMod }) });
}

async function gosec({ container, binary }: GoScan, ctx: { root: string; folder: string }): Promise<ToolReport> {
  const [, run] = await Promise.all([binary.sync(), runTool(container, args.gosecArgs(args.REPORTS.gosec), [args.REPORTS.gosec])]);
  return interpret({ tool: "gosec", category: "sast", run, okExits: [0], report: run.files[args.REPORTS.gosec], parse: (text) => parseGosec(text, ctx) });
}

/**
 * The Python image with bandit and pip-audit, installed with the pip cache and the pip.conf a private
 * index may need, then unprivileged without either (pip-audit keeps its own cache, see pipAudit).
 */
function pythonScanContainer(image: string, registries: RegistryAccess): Container {
  const base = dag
    .container()
    .from(image)
    .withMountedCache("/cache/pip", dag.cacheVolume("pip"))
    .withEnvVariable("PIP_CACHE_DIR", "/cache/pip")
    .withEnvVariable("PIP_DISABLE_PIP_VERSION_CHECK", "1");
  return unprivileged(
    withSecretDuring(base, registries.pipConf, PIP_CONF, (install) => install.withExec(["pip", "install", ...PYTHON_SCAN_TOOLS]))
      .withoutMount("/cache/pip")
      .withoutEnvVariable("PIP_CACHE_DIR"),
  );
}

async function bandit(container: Container, project: Project, options: ScanOptions, ctx: { root: string; folder: string }): Promise<ToolReport> {
  const run = await runTool(forRun(withProject(container, project), options), args.banditArgs(args.REPORTS.bandit), [args.REPORTS.bandit]);
  return interpret({ tool: "bandit", category: "sast", run, okExits: [0], report: run.files[args.REPORTS.bandit], parse: (text) => parseBandit(text, ctx) });
}

/** The requirement files pip-audit audits, beside pyproject.toml. */
const REQUIREMENT_FILES = ["requirements.txt", "requirements-dev.txt"] as const;

/**
 * pip-audit per requirements file, and on pyproject.toml's dependencies:
 * each resolved in a throwaway virtualenv as pip would install it. Only the
 * manifests are copied, so editing code reruns nothing.
 */
async function pipAudit(container: Container, project: Project, options: ScanOptions): Promise<ToolReport> {
  const inputs: ({ requirements: string } | { project: "." })[] = REQUIREMENT_FILES.filter((file) => hasFile(project, file)).map((requirements) => ({ requirements }));
  if (hasFile(project, "pyproject.toml")) inputs.push({ project: "." });
  if (inputs.length === 0) return notRun("pip-audit", "dependency", `no ${[...REQUIREMENT_FILES, "pyproject.toml"].join(" or ")}`);
  const manifests = container
    .withMountedCache(args.CACHES.pipAudit, dag.cacheVolume("pip-audit"), { owner: NON_ROOT_USER })
    .withDirectory(args.PROJECT_ROOT, project.toolInputs, { include: [...REQUIREMENT_FILES, "pyproject.toml", "requirements/**", "constraints*.txt"], owner: NON_ROOT_USER })
    .withWorkdir(args.PROJECT_ROOT);
  const reports = await Promise.all(
    inputs.map(async (input, n) => {
      const report = args.REPORTS.pipAudit(n);
      const run = await runTool(forRun(manifests, options), args.pipAuditArgs(input, report, args.CACHES.pipAudit), [report]);
      const file = "requirements" in input ? input.requirements : "pyproject.toml";
      const path = options.workdir === "." ? file : `${options.workdir.replace(/\/+$/, "")}/${file}`;
      return interpret({ tool: "pip-audit", category: "dependency", run, okExits: [0, 1], report: run.files[report], parse: (text) => parsePipAudit(text, path) });
    }),
  );
  return mergeReports(reports);
}

/** osv-scanner on the Node lockfile, its offline database kept in a cache volume. */
async function osvScanner(project: Project, options: ScanOptions, ctx: { root: string; folder: string }): Promise<ToolReport> {
  const lockfile = args.NODE_LOCKFILES.find((file) => hasFile(project, file));
  if (!lockfile) return notRun("osv-scanner", "dependency", "no lockfile (package-lock.json, pnpm-lock.yaml, yarn.lock): the installed versions are unknown");
  const container = unprivileged(
    dag
      .container()
      .from(options.images.osvScanner)
      .withMountedCache(args.CACHES.osvScanner, dag.cacheVolume("osv-scanner"), { owner: NON_ROOT_USER })
      .withEnvVariable("OSV_SCANNER_LOCAL_DB_CACHE_DIRECTORY", args.CACHES.osvScanner),
  )
    .withDirectory(args.PROJECT_ROOT, project.toolInputs, { include: [...args.NODE_LOCKFILES, "package.json"], owner: NON_ROOT_USER })
    .withWorkdir(args.PROJECT_ROOT);
  const run = await runTool(forRun(container, options), args.osvScannerArgs(lockfile));
  // 0: nothing found, 1: vulnerabilities found; 127 and 128 are its errors.
  return interpret({ tool: "osv-scanner", category: "dependency", run, okExits: [0, 1], report: run.stdout, parse: (text) => parseOsvScanner(text, ctx) });
}

/** semgrep with the bundled rules (written outside the scanned tree) and the project's `.semgrep/`. */
async function semgrep(project: Project, options: ScanOptions, ctx: { root: string; folder: string }): Promise<ToolReport> {
  const container = withProject(
    unprivileged(
      dag
        .container()
        .from(options.images.semgrep)
        .withEnvVariable("SEMGREP_SEND_METRICS", "off")
        .withEnvVariable("SEMGREP_ENABLE_VERSION_CHECK", "0")
        .withNewFile(args.BUNDLED_RULES_FILE, bundledRulesFile()),
    ),
    project,
  );
  const projectRules = project.entries.includes(`${args.PROJECT_RULES_DIR}/`);
  const run = await runTool(forRun(container, options), args.semgrepArgs({ rulesFile: args.BUNDLED_RULES_FILE, projectRules, report: args.REPORTS.semgrep }), [args.REPORTS.semgrep]);
  // 0 and 1 (findings, with --error) are scans; 2 and above are its errors (a rule that does not parse: 4, 5, 7).
  return interpret({
    tool: "semgrep",
    category: "sast",
    run,
    okExits: [0, 1],
    report: run.files[args.REPORTS.semgrep],
    parse: (text) => parseSemgrep(text, { ...ctx, bundledRulesDir: args.BUNDLED_RULES_DIR }),
  });
}

/**
 * gitleaks on the repository's working tree and, when it has its .git, on
 * every commit: a secret removed from the tree is still in the history.
 * Without .git (the module's source leaves it out unless given) the
 * history scan is a note, not a silent pass.
 */
async function gitleaks(repository: Repository, options: ScanOptions): Promise<ToolReport> {
  const checkout = options.toolchain.gitCheckout;
  // The history: the source's own .git, or the call's --git checkout (a folder holding only .git) laid over it.
  const fromCheckout = checkout !== undefined && !repository.entries.includes(".git/") && (await checkout.entries()).includes(".git/");
  const hasGit = repository.entries.includes(".git/") || fromCheckout;
  const tree = unprivileged(dag.container().from(options.images.gitleaks))
    .withDirectory(args.REPOSITORY_ROOT, repository.source, { owner: NON_ROOT_USER })
    .withWorkdir(args.REPOSITORY_ROOT);
  // The tree scan never gets the checkout's .git (its objects are the history scan's, read as commits),
  // so a new commit or fetch alone does not run it again.
  const history = fromCheckout ? tree.withDirectory(args.REPOSITORY_ROOT, checkout, { include: [".git/**"], owner: NON_ROOT_USER }) : tree;
  const ctx = { root: args.REPOSITORY_ROOT, folder: "." };
  const modes: ("dir" | "git")[] = options.history && hasGit ? ["dir", "git"] : ["dir"];
  const reports = await Promise.all(
    modes.map(async (mode) => {
      const file = mode === "git" ? args.REPORTS.gitleaksGit : args.REPORTS.gitleaksDir;
      const scanned = mode === "git" ? history : tree;
      const run = await runTool(forRun(scanned, options), args.gitleaksArgs(mode, file), [file]);
      return interpret({ tool: "gitleaks", category: "secret", run, okExits: [0], report: run.files[file], parse: (text) => parseGitleaks(text, ctx, mode) });
    }),
  );
  const merged = mergeReports(reports);
  if (!hasGit) merged.notes.push("history not scanned: no .git was given (with --source=., pass --git=. too, to scan every commit)");
  else if (!options.history) merged.notes.push("history not scanned: stages.scan.history is false");
  return merged;
}

/** trivy config with its checks bundle cached in a volume. */
async function trivy(project: Project, options: ScanOptions, ctx: { root: string; folder: string }): Promise<ToolReport> {
  const container = withProject(
    unprivileged(dag.container().from(options.images.trivy).withMountedCache(args.CACHES.trivy, dag.cacheVolume("trivy"), { owner: NON_ROOT_USER })),
    project,
  );
  const run = await runTool(forRun(container, options), args.trivyConfigArgs(args.REPORTS.trivy, args.CACHES.trivy), [args.REPORTS.trivy]);
  return interpret({ tool: "trivy", category: "misconfig", run, okExits: [0], report: run.files[args.REPORTS.trivy], parse: (text) => parseTrivy(text, ctx) });
}

/** hadolint on every Dockerfile of the project (none: not run). */
async function hadolint(project: Project, options: ScanOptions, ctx: { root: string; folder: string }): Promise<ToolReport> {
  const found = await Promise.all(args.DOCKERFILE_GLOBS.map((pattern) => project.source.glob(pattern)));
  const dockerfiles = [...new Set(found.flat())].filter(args.isProjectDockerfile).sort();
  if (dockerfiles.length === 0) return notRun("hadolint", "misconfig", "no Dockerfile in the project");
  const container = withProject(unprivileged(dag.container().from(options.images.hadolint)), project);
  const run = await runTool(forRun(container, options), args.hadolintArgs(dockerfiles));
  return interpret({ tool: "hadolint", category: "misconfig", run, okExits: [0], report: run.stdout, parse: (text) => parseHadolint(text, ctx) });
}
