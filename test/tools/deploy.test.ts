import { spawn } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import * as args from "../../pipeline/modules/deploy/args.js";
import { runGitOps, type GitOpsPlan } from "../../pipeline/modules/deploy/gitops.js";
import type { HealthPolicy } from "../../pipeline/modules/deploy/health.js";
import { parseDigestRef } from "../../pipeline/modules/deploy/image-ref.js";
import { checkDeployedImage, parseManifests, workloadsOf } from "../../pipeline/modules/deploy/manifests.js";
import { runHealthCheck } from "../../pipeline/modules/deploy/procedure.js";
import { DIGEST, IMAGE, OLD_DIGEST } from "../helpers/deploy.js";
import { findTool, hostRunner } from "../helpers/deploy-host.js";
import { copyExample, tempDir } from "../helpers/examples.js";

/**
 * The deploy's commands with the real tools: kustomize and helm on the
 * example's overlays and chart, curl against a local HTTP server standing in
 * for the app's health endpoint, git against a local repository (and one
 * behind a local HTTP server that wants the token).
 */

const tools = { kustomize: await findTool("kustomize"), helm: await findTool("helm"), curl: await findTool("curl"), git: await findTool("git") };
const missing = (name: keyof typeof tools, hint: string) => (tools[name] ? "" : ` (skipped: no ${name}; ${hint})`);
const GO_TOOLS_HINT = ".ci/run installs it from tools/go-tools.txt";

const run = async (binary: string, argv: string[], cwd: string) => {
  const result = await execa(binary, argv.slice(1), { cwd, reject: false });
  return { exitCode: result.exitCode ?? 1, stdout: String(result.stdout), stderr: String(result.stderr) };
};

describe.skipIf(!tools.kustomize)(`kustomize, as the deploy runs it${missing("kustomize", GO_TOOLS_HINT)}`, () => {
  it.each([
    ["staging", 1],
    ["production", 3],
  ])("sets the digest in the %s overlay and renders it: every container of the image runs the digest", async (overlay, replicas) => {
    const root = copyExample("go-service");
    const dir = `deploy/overlays/${overlay}`;
    const set = await run(tools.kustomize!, args.kustomizeSetImageArgs("ghcr.io/example/go-service", IMAGE), join(root, dir));
    expect(set.exitCode, set.stderr).toBe(0);
    const kustomization = readFileSync(join(root, dir, "kustomization.yaml"), "utf8");
    expect(kustomization).toContain(`digest: ${DIGEST}`);
    expect(kustomization).not.toMatch(/^\s*newTag:/m);
    const built = await run(tools.kustomize!, args.kustomizeBuildArgs(dir), root);
    expect(built.exitCode, built.stderr).toBe(0);
    const objects = parseManifests(built.stdout, "kustomize build");
    expect(() => checkDeployedImage(objects, parseDigestRef(IMAGE), "kustomize build")).not.toThrow();
    expect(workloadsOf(objects, undefined)).toEqual([{ kind: "Deployment", name: "go-service", namespace: `go-service-${overlay}` }]);
    const deployment = objects.find((o) => o.kind === "Deployment")!.raw as { spec: { replicas: number } };
    expect(deployment.spec.replicas).toBe(replicas);
  });

  it("renames the image when the digest is of another repository (a mirror), still by digest", async () => {
    const root = copyExample("go-service");
    const mirror = `registry.example.com/mirror/go-service@${DIGEST}`;
    await run(tools.kustomize!, args.kustomizeSetImageArgs("ghcr.io/example/go-service", mirror), join(root, "deploy/overlays/staging"));
    const built = await run(tools.kustomize!, args.kustomizeBuildArgs("deploy/overlays/staging"), root);
    expect(() => checkDeployedImage(parseManifests(built.stdout, "x"), parseDigestRef(mirror), "x")).not.toThrow();
  });

  it("without the edit, the overlay's tag is caught before anything is applied", async () => {
    const root = copyExample("go-service");
    const built = await run(tools.kustomize!, args.kustomizeBuildArgs("deploy/overlays/staging"), root);
    expect(() => checkDeployedImage(parseManifests(built.stdout, "x"), parseDigestRef(IMAGE), "x")).toThrow("Deployment/go-service runs ghcr.io/example/go-service:0.1.0-rc.1");
  });
});

describe.skipIf(!tools.helm)(`helm template, as the deploy runs it${missing("helm", GO_TOOLS_HINT)}`, () => {
  const chart = (values: string[]): args.HelmChart => ({
    release: "go-service",
    chart: "deploy/chart",
    namespace: "go-service-production",
    values,
    set: { "image.repository": "ghcr.io/example/go-service", "image.digest": DIGEST },
  });

  it.each([
    ["deploy/chart/values-staging.yaml", 1],
    ["deploy/chart/values-production.yaml", 3],
  ])("renders the chart with %s and the digest", async (values, replicas) => {
    const root = copyExample("go-service");
    const rendered = await run(tools.helm!, args.helmTemplateArgs(chart([values])), root);
    expect(rendered.exitCode, rendered.stderr).toBe(0);
    const objects = parseManifests(rendered.stdout, "helm template");
    expect(() => checkDeployedImage(objects, parseDigestRef(IMAGE), "helm template")).not.toThrow();
    expect(objects.map((o) => `${o.kind}/${o.name}`).sort()).toEqual(["Deployment/go-service", "Service/go-service"]);
    expect((objects.find((o) => o.kind === "Deployment")!.raw as { spec: { replicas: number } }).spec.replicas).toBe(replicas);
  });

  it("the chart refuses to render without a digest", async () => {
    const root = copyExample("go-service");
    const rendered = await run(tools.helm!, ["helm", "template", "go-service", "deploy/chart", "--set-string", "image.digest=0.1.0"], root);
    expect(rendered.exitCode).not.toBe(0);
    expect(rendered.stderr).toContain("image.digest must be a sha256: digest");
  });

  it("takes the Helm 4 flags the upgrade and rollback pass", async () => {
    for (const verb of ["upgrade", "rollback"]) {
      const help = await run(tools.helm!, ["helm", verb, "--help"], tempDir("helm-"));
      expect(help.stdout).toContain("--server-side");
      expect(help.stdout).toContain("--timeout");
    }
    const history = await run(tools.helm!, ["helm", "history", "--help"], tempDir("helm-"));
    expect(history.stdout).toMatch(/-o, --output format/);
  });
});

/** A local HTTP server standing in for the deployed app's health endpoint: answers a script, records when each request came. */
async function healthEndpoint(answer: (n: number, res: ServerResponse) => void) {
  const times: number[] = [];
  const server = createServer((_req, res) => {
    times.push(performance.now());
    answer(times.length, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`, times };
}
const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe.skipIf(!tools.curl)(`the health check with the real curl${missing("curl", "install curl")}`, () => {
  const policy: HealthPolicy = { attempts: 5, initialDelayMs: 50, intervalMs: 150, backoffFactor: 2, maxIntervalMs: 400, deadlineMs: 20_000, successThreshold: 1 };
  const check = (url: string, p = policy, timeoutMs = 2000) =>
    runHealthCheck({ kind: "url", url, expectStatus: [200], timeoutMs }, p, hostRunner({ workspace: tempDir("health-"), binaries: { curl: tools.curl! } }));

  it("503, 503, then 200: healthy on the third probe, the waits growing by the backoff", async () => {
    const endpoint = await healthEndpoint((n, res) => res.writeHead(n < 3 ? 503 : 200).end());
    const result = await check(endpoint.url);
    expect(result.outcome).toEqual({ ok: true, step: "health", detail: "HTTP 200 on attempt 3" });
    expect(result.observations.map((o) => o.detail)).toEqual(["HTTP 503", "HTTP 503", "HTTP 200"]);
    const [first, second] = [endpoint.times[1]! - endpoint.times[0]!, endpoint.times[2]! - endpoint.times[1]!];
    expect(first).toBeGreaterThanOrEqual(150);
    expect(second).toBeGreaterThanOrEqual(300);
    expect(second).toBeGreaterThan(first);
  });

  it("never healthy: as many probes as attempts, then unhealthy", async () => {
    const endpoint = await healthEndpoint((_n, res) => res.writeHead(500).end());
    const result = await check(endpoint.url);
    expect(result.outcome.ok).toBe(false);
    expect(result.outcome.detail).toBe("never healthy: 5 attempts; last: HTTP 500");
    expect(endpoint.times).toHaveLength(5);
  });

  it("a probe that hangs is cut at its timeout; the deadline ends the check", async () => {
    const endpoint = await healthEndpoint(() => undefined);
    const result = await check(endpoint.url, { ...policy, deadlineMs: 2500 }, 1000);
    expect(result.observations[0]).toEqual({ healthy: false, detail: "timed out after 1s" });
    expect(result.outcome.detail).toMatch(/^timed out: not healthy within 2\.5s \(\d attempts?; last: timed out after 1s\)$/);
  });

  it("nothing listening: connection refused, probed again until the attempts run out", async () => {
    const endpoint = await healthEndpoint((_n, res) => res.end());
    const server = servers.pop()!;
    await new Promise((resolve) => server.close(resolve));
    const result = await check(endpoint.url, { ...policy, attempts: 2 });
    expect(result.outcome.detail).toBe("never healthy: 2 attempts; last: connection refused (curl exit 7)");
  });
});

/** A deploy repository: the example's base and staging overlay under apps/go-service, in a bare repository with one commit on main. */
async function deployRepository(git: string): Promise<{ bare: string; seed: string }> {
  const root = tempDir("gitops-");
  const seed = join(root, "seed");
  mkdirSync(join(seed, "apps/go-service"), { recursive: true });
  const example = copyExample("go-service");
  cpSync(join(example, "deploy/base"), join(seed, "apps/go-service/base"), { recursive: true });
  cpSync(join(example, "deploy/overlays/staging"), join(seed, "apps/go-service/staging"), { recursive: true });
  const kustomization = join(seed, "apps/go-service/staging/kustomization.yaml");
  writeFileSync(kustomization, readFileSync(kustomization, "utf8").replace("../../base", "../base"));
  const g = (cwd: string, ...argv: string[]) => execa(git, argv, { cwd, env: { GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com" } });
  await g(seed, "init", "--quiet", "--initial-branch=main");
  await g(seed, "add", ".");
  await g(seed, "commit", "--quiet", "-m", "seed");
  const bare = join(root, "deploy.git");
  await g(root, "clone", "--quiet", "--bare", seed, bare);
  await g(seed, "remote", "add", "origin", bare);
  return { bare, seed };
}

const gitOpsPlan = (repository: string, image = IMAGE): GitOpsPlan => ({
  environment: "staging",
  image: parseDigestRef(image),
  manifestImage: "ghcr.io/example/go-service",
  repository,
  branch: "main",
  path: "apps/go-service/staging",
  edit: { kind: "kustomize" },
  author: { name: "pipeline", email: "pipeline@example.com" },
  pushAttempts: 3,
  dryRun: false,
});

describe.skipIf(!tools.git || !tools.kustomize)(`GitOps with the real git and kustomize${missing("git", "install git")}${missing("kustomize", GO_TOOLS_HINT)}`, () => {
  const binaries = () => ({ git: tools.git!, kustomize: tools.kustomize! });
  const show = (bare: string, ...argv: string[]) => execa(tools.git!, ["--git-dir", bare, ...argv]).then((r) => String(r.stdout));

  it("commits the digest to the overlay and pushes it; a second deploy of the same digest commits nothing", async () => {
    const { bare } = await deployRepository(tools.git!);
    const report = await runGitOps(gitOpsPlan(`file://${bare}`), hostRunner({ workspace: tempDir("ws-"), binaries: binaries() }));
    expect(report.failed, report.headline).toBe(false);
    expect(await show(bare, "log", "-1", "--format=%s|%an <%ae>", "main")).toBe(`deploy(staging): ${IMAGE}|pipeline <pipeline@example.com>`);
    expect(report.commit).toBe(await show(bare, "rev-parse", "main"));
    expect(await show(bare, "show", "main:apps/go-service/staging/kustomization.yaml")).toContain(`digest: ${DIGEST}`);
    expect(report.diff).toMatch(new RegExp(`^\\+.*digest: ${DIGEST}$`, "m"));

    const again = await runGitOps(gitOpsPlan(`file://${bare}`), hostRunner({ workspace: tempDir("ws-"), binaries: binaries() }));
    expect(again.headline).toContain("already deploys");
    expect(again.commit).toBeUndefined();
    expect(await show(bare, "rev-list", "--count", "main")).toBe("2");
  });

  it("a dry run shows the commit it would make and pushes nothing", async () => {
    const { bare } = await deployRepository(tools.git!);
    const before = await show(bare, "rev-parse", "main");
    const report = await runGitOps({ ...gitOpsPlan(`file://${bare}`), dryRun: true }, hostRunner({ workspace: tempDir("ws-"), binaries: binaries() }));
    expect(report.headline).toContain("Nothing was pushed");
    expect(report.diff).toContain(`digest: ${DIGEST}`);
    expect(await show(bare, "rev-parse", "main")).toBe(before);
  });

  it("when someone pushed first, rebases on theirs and pushes again", async () => {
    const { bare, seed } = await deployRepository(tools.git!);
    let moved = false;
    const runner = hostRunner({
      workspace: tempDir("ws-"),
      binaries: binaries(),
      beforeStep: async (step) => {
        if (moved || step.argv[3] !== "push") return;
        moved = true;
        // Another deploy (of another app) lands between our clone and our push.
        writeFileSync(join(seed, "README.md"), "other app\n");
        const env = { GIT_AUTHOR_NAME: "o", GIT_AUTHOR_EMAIL: "o@example.com", GIT_COMMITTER_NAME: "o", GIT_COMMITTER_EMAIL: "o@example.com" };
        await execa(tools.git!, ["add", "README.md"], { cwd: seed });
        await execa(tools.git!, ["commit", "--quiet", "-m", "other"], { cwd: seed, env });
        await execa(tools.git!, ["push", "--quiet", "origin", "main"], { cwd: seed });
      },
    });
    const report = await runGitOps(gitOpsPlan(`file://${bare}`), runner);
    expect(report.failed, report.headline).toBe(false);
    expect(report.steps.map((s) => s.label)).toEqual(["clone", "set image", "render", "status", "diff", "add", "commit", "push", "rebase on the remote", "push #2", "commit id"]);
    expect((await show(bare, "log", "--format=%s", "main")).split("\n")).toEqual([`deploy(staging): ${IMAGE}`, "other", "seed"]);
  });

  it("sends the token only when the server asks, through askpass: not in an argv, the URL or the environment", async () => {
    const { bare } = await deployRepository(tools.git!);
    const token = "tok-7d2c9e41";
    const server = await gitHttpServer(dirnameOf(bare), "x-access-token", token);
    const url = `${server.url}/deploy.git`;
    const runner = hostRunner({ workspace: tempDir("ws-"), binaries: binaries(), gitToken: token });
    const report = await runGitOps(gitOpsPlan(url), runner);
    expect(report.failed, report.headline).toBe(false);
    expect(server.authorized).toBeGreaterThan(0);
    expect(await show(bare, "log", "-1", "--format=%s", "main")).toBe(`deploy(staging): ${IMAGE}`);
    expect(JSON.stringify(runner.ran)).not.toContain(token);
    expect(JSON.stringify(report)).not.toContain(token);

    const refused = await runGitOps(gitOpsPlan(url, `ghcr.io/example/go-service@${OLD_DIGEST}`), hostRunner({ workspace: tempDir("ws-"), binaries: binaries(), gitToken: "wrong" }));
    expect(refused.failed).toBe(true);
    expect(refused.headline).toMatch(/git clone of http:\/\/127\.0\.0\.1:\d+\/deploy\.git \(branch main\): .*Authentication failed/);
  });
});

const dirnameOf = (path: string) => path.slice(0, path.lastIndexOf("/"));

/** git's own smart-HTTP server (git http-backend, as CGI) behind a Basic-auth check: the stand-in for a forge. */
async function gitHttpServer(projectRoot: string, user: string, token: string) {
  const state = { authorized: 0, url: "" };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const expected = `Basic ${Buffer.from(`${user}:${token}`).toString("base64")}`;
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { "WWW-Authenticate": 'Basic realm="deploy"' }).end();
      return;
    }
    state.authorized++;
    const url = new URL(req.url ?? "/", "http://localhost");
    const cgi = spawn("git", ["http-backend"], {
      env: {
        PATH: process.env["PATH"] ?? "/usr/bin:/bin",
        GIT_PROJECT_ROOT: projectRoot,
        GIT_HTTP_EXPORT_ALL: "1",
        PATH_INFO: url.pathname,
        QUERY_STRING: url.search.slice(1),
        REQUEST_METHOD: req.method ?? "GET",
        CONTENT_TYPE: req.headers["content-type"] ?? "",
        HTTP_CONTENT_ENCODING: req.headers["content-encoding"] ?? "",
        REMOTE_USER: user,
        REMOTE_ADDR: "127.0.0.1",
      },
    });
    req.pipe(cgi.stdin);
    const chunks: Buffer[] = [];
    cgi.stdout.on("data", (c: Buffer) => chunks.push(c));
    cgi.on("close", () => {
      const out = Buffer.concat(chunks);
      const split = out.indexOf("\r\n\r\n");
      const head = out.subarray(0, split).toString("latin1").split("\r\n");
      const headers: Record<string, string> = {};
      let status = 200;
      for (const line of head) {
        const [name, ...rest] = line.split(":");
        const value = rest.join(":").trim();
        if (name!.toLowerCase() === "status") status = Number(value.split(" ")[0]);
        else headers[name!] = value;
      }
      res.writeHead(status, headers).end(out.subarray(split + 4));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
