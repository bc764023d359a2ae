import { execa } from "execa";
import { pinnedDaggerVersion } from "../dagger-version.js";

export interface DoctorCheck {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

export interface DoctorOptions {
  /** Environment for the probed tools (PATH decides which dagger and docker run); defaults to this process's. */
  env?: NodeJS.ProcessEnv;
}

/** How a probe ended: the tool is not installed, could not start, timed out, or ran to an exit code. */
type Probe =
  | { kind: "missing" }
  | { kind: "unrunnable"; reason: string }
  | { kind: "timeout" }
  | { kind: "exited"; exitCode: number; stdout: string; stderr: string };

const TIMEOUT_MS = 15_000;

/** Runs a tool without ever throwing (execa with `reject: false`), and says which way it went. */
async function probe(file: string, args: string[], options: DoctorOptions): Promise<Probe> {
  const result = await execa(file, args, { reject: false, timeout: TIMEOUT_MS, ...(options.env ? { env: options.env } : {}) });
  if (result.exitCode !== undefined) {
    return { kind: "exited", exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
  }
  if (result.code === "ENOENT") return { kind: "missing" };
  if (result.timedOut) return { kind: "timeout" };
  return { kind: "unrunnable", reason: result.cause instanceof Error ? result.cause.message : String(result.shortMessage) };
}

/** Checks what `dagger call` needs on this machine: the CLI at the pinned version and a Docker engine. */
export async function doctor(options: DoctorOptions = {}): Promise<DoctorCheck[]> {
  const [dagger, docker] = await Promise.all([checkDagger(pinnedDaggerVersion(), options), checkDocker(options)]);
  return [checkNode(), dagger, docker];
}

function checkNode(): DoctorCheck {
  const major = Number(process.versions.node.split(".")[0]);
  return {
    name: "node",
    ok: major >= 20,
    detail: `v${process.versions.node}`,
    ...(major >= 20 ? {} : { fix: "install Node.js 20 or newer" }),
  };
}

async function checkDagger(pinned: string, options: DoctorOptions): Promise<DoctorCheck> {
  const fix = `curl -fsSL https://dl.dagger.io/dagger/install.sh | DAGGER_VERSION=${pinned} BIN_DIR=$HOME/.local/bin sh`;
  const result = await probe("dagger", ["version"], options);
  const failed = (detail: string, how = fix) => ({ name: "dagger", ok: false, detail, fix: how });
  if (result.kind === "missing") return failed("the dagger CLI is not on PATH");
  if (result.kind === "unrunnable") return failed(`cannot run \`dagger version\`: ${result.reason}`, `reinstall it: ${fix}`);
  if (result.kind === "timeout") return failed(`\`dagger version\` gave no answer within ${TIMEOUT_MS / 1000}s`, `reinstall it: ${fix}`);
  if (result.exitCode !== 0) {
    return failed(`\`dagger version\` failed with exit code ${result.exitCode}${reasonOf(result.stderr)}`, `reinstall it: ${fix}`);
  }
  const found = /v?(\d+\.\d+\.\d+)/.exec(result.stdout)?.[1];
  if (found !== pinned) return failed(`found ${found ?? JSON.stringify(result.stdout.trim())}, dagger.json pins ${pinned}`);
  return { name: "dagger", ok: true, detail: `found ${found}, dagger.json pins ${pinned}` };
}

async function checkDocker(options: DoctorOptions): Promise<DoctorCheck> {
  const result = await probe("docker", ["info", "--format", "{{.ServerVersion}}"], options);
  const failed = (detail: string, fix: string) => ({ name: "docker", ok: false, detail, fix });
  const start = "start it (systemctl start docker, or dockerd &) and check that your user may use /var/run/docker.sock";
  if (result.kind === "missing") return failed("the docker CLI is not on PATH", "install Docker Engine (Debian: apt-get install docker.io)");
  if (result.kind === "unrunnable") return failed(`cannot run \`docker info\`: ${result.reason}`, "check `which docker`, or reinstall Docker Engine");
  if (result.kind === "timeout") return failed(`the Docker daemon gave no answer within ${TIMEOUT_MS / 1000}s`, "restart it (systemctl restart docker) and check `docker info` answers");
  if (result.exitCode !== 0) {
    return failed(`the Docker daemon is not reachable: \`docker info\` exited with code ${result.exitCode}${reasonOf(result.stderr)}`, start);
  }
  return { name: "docker", ok: true, detail: `server ${result.stdout.trim()}` };
}

/** The first non-empty line of a tool's stderr, as `: line`, or nothing. */
function reasonOf(stderr: string): string {
  const line = stderr.split("\n").find((l) => l.trim() !== "");
  return line ? `: ${line.trim()}` : "";
}

export function renderDoctor(checks: readonly DoctorCheck[]): string {
  return (
    checks
      .map((c) => `${c.ok ? "✔" : "✘"} ${c.name.padEnd(7)} ${c.detail}${c.fix ? `\n          Fix: ${c.fix}` : ""}`)
      .join("\n") + "\n"
  );
}
