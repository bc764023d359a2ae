import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { findTool } from "./deploy-host.js";

/**
 * A real Docker Engine and a real registry on this machine, for the image
 * stages' real-tool test: Debian's docker.io (dockerd, with its own docker
 * CLI) and Debian's docker-registry on 127.0.0.1 with htpasswd auth, as a
 * hosted registry would ask. Both are children of the test process that die
 * with it (setpriv --pdeathsig), and the daemon touches neither the host's
 * network (no bridge, no iptables rules, no forwarding) nor its Docker state
 * (its own data and exec roots), so nothing it leaves can block CI.
 */

/**
 * Debian's docker CLI, not the first `docker` on PATH: its `docker build`
 * uses the daemon's own BuildKit, where a newer CLI without the buildx plugin
 * refuses to build with BuildKit at all.
 */
export const DEBIAN_DOCKER_CLI = "/usr/bin/docker";
export const IMAGE_TOOLS = ["crane", "cosign", "syft"] as const;

/** Why the daemon and registry cannot run here, or undefined when they can be tried. */
export async function imageHostUnavailable(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return "dockerd needs root";
  for (const [name, hint] of [
    ["dockerd", "Debian's docker.io: .ci/run installs it"],
    ["docker-registry", "Debian's docker-registry: .ci/run installs it"],
    ["setpriv", "util-linux"],
    ["python3", "the htpasswd entry is made with Python's crypt"],
  ] as const) {
    if (!(await findTool(name))) return `no ${name} (${hint})`;
  }
  if (!existsSync(DEBIAN_DOCKER_CLI)) return `no ${DEBIAN_DOCKER_CLI} (Debian's docker.io CLI)`;
  for (const tool of IMAGE_TOOLS) if (!(await findTool(tool))) return `no ${tool} (.ci/run builds it from tools/go-tools.txt)`;
  return undefined;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A long-running child that dies with this process; its output goes to `log`. */
function daemon(binary: string, argv: string[], log: string): ChildProcess {
  const child = spawn("setpriv", ["--pdeathsig", "SIGTERM", "--", binary, ...argv], { stdio: ["ignore", "pipe", "pipe"] });
  const out = createWriteStream(log);
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  return child;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  // dockerd stops its containerd and unmounts its layers on SIGTERM; give it the time it takes.
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 20_000))]);
  if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
}

async function waitFor(what: string, child: ChildProcess, log: string, ready: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}); see ${log}`);
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} not ready within ${timeoutMs / 1000}s; see ${log}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

export interface ImageHost {
  /** host:port of the registry, as image names and REGISTRY_HOST write it. */
  registry: string;
  username: string;
  /** The registry password (the pipeline's REGISTRY_TOKEN). */
  token: string;
  /** A Docker client config dir logged in to the registry (docker, crane and syft read it). */
  dockerConfig: string;
  /** DOCKER_HOST of the daemon, undefined when it could not start (then `daemonProblem` says why). */
  dockerHost: string | undefined;
  daemonProblem: string | undefined;
  /** Runs Debian's docker CLI against the daemon (in `options.cwd`); throws with its stderr on failure. */
  docker(args: string[], options?: { input?: string; cwd?: string }): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts the registry (always) and dockerd (when it can run: a daemon that
 * will not start is reported in `daemonProblem`, so the daemon-free tests
 * still run); `stop` ends both and removes their folders.
 */
export async function startImageHost(token: string): Promise<ImageHost> {
  const dir = mkdtempSync(join(tmpdir(), "image-host-"));
  const children: ChildProcess[] = [];
  const stop = async () => {
    for (const child of children.reverse()) await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const username = "ci-bot";
    // The registry takes bcrypt entries only; Python's crypt makes one without a new dependency.
    const hash = await execa("python3", ["-W", "ignore", "-c", "import crypt, sys; print(crypt.crypt(sys.stdin.read(), crypt.mksalt(crypt.METHOD_BLOWFISH)))"], { input: token });
    writeFileSync(join(dir, "htpasswd"), `${username}:${hash.stdout.trim()}\n`);
    const port = await freePort();
    const registry = `127.0.0.1:${port}`;
    writeFileSync(
      join(dir, "registry.yml"),
      [
        "version: 0.1",
        "storage:",
        `  filesystem: { rootdirectory: ${join(dir, "registry")} }`,
        "http:",
        `  addr: ${registry}`,
        "auth:",
        `  htpasswd: { realm: pipeline-test, path: ${join(dir, "htpasswd")} }`,
        "",
      ].join("\n"),
    );
    const registryLog = join(dir, "registry.log");
    const registryProcess = daemon((await findTool("docker-registry"))!, ["serve", join(dir, "registry.yml")], registryLog);
    children.push(registryProcess);
    await waitFor("docker-registry", registryProcess, registryLog, async () => (await fetch(`http://${registry}/v2/`)).status === 401);

    const dockerConfig = join(dir, "docker-config");
    mkdirSync(dockerConfig);
    let dockerHost: string | undefined = `unix://${join(dir, "docker.sock")}`;
    let daemonProblem: string | undefined;
    const docker = async (args: string[], options: { input?: string; cwd?: string } = {}) => {
      if (!dockerHost) throw new Error(`no Docker daemon: ${daemonProblem}`);
      const ran = await execa(DEBIAN_DOCKER_CLI, args, { env: { DOCKER_HOST: dockerHost, DOCKER_CONFIG: dockerConfig, DOCKER_BUILDKIT: "1" }, ...options, reject: false, timeout: 300_000 });
      if (ran.exitCode !== 0) throw new Error(`docker ${args.join(" ")} failed with exit code ${ran.exitCode}:\n${ran.stderr}`);
      return ran.stdout;
    };
    const dockerdLog = join(dir, "dockerd.log");
    const dockerd = daemon(
      (await findTool("dockerd"))!,
      [
        `--data-root=${join(dir, "docker")}`,
        `--exec-root=${join(dir, "exec")}`,
        `--pidfile=${join(dir, "dockerd.pid")}`,
        `--host=${dockerHost}`,
        // No network of its own: builds run with --network=none, and the host's interfaces and firewall stay as they are.
        "--bridge=none",
        "--iptables=false",
        "--ip6tables=false",
        "--ip-forward=false",
        "--ip-masq=false",
      ],
      dockerdLog,
    );
    children.push(dockerd);
    try {
      await waitFor("dockerd", dockerd, dockerdLog, async () => (await execa(DEBIAN_DOCKER_CLI, ["version"], { env: { DOCKER_HOST: dockerHost! }, reject: false })).exitCode === 0);
      await docker(["login", "--username", username, "--password-stdin", registry], { input: token });
    } catch (error) {
      daemonProblem = (error as Error).message;
      dockerHost = undefined;
      await stopChild(dockerd);
      // Without a daemon, crane logs in for the registry-only tests.
      const crane = await execa((await findTool("crane"))!, ["auth", "login", registry, "--username", username, "--password-stdin"], { env: { DOCKER_CONFIG: dockerConfig }, input: token });
      if (crane.exitCode !== 0) throw new Error(`crane auth login failed: ${crane.stderr}`);
    }
    return { registry, username, token, dockerConfig, dockerHost, daemonProblem, docker, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
