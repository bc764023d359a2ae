import { spawn, type ChildProcess } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { createServer } from "node:net";
import { join } from "node:path";
import { findTool, KUBE_BIN } from "./deploy-host.js";
import { tempDir } from "./examples.js";

/**
 * A real Kubernetes control plane on 127.0.0.1 for the deploy's real-cluster
 * test: Debian's etcd, kube-apiserver and kube-controller-manager built from
 * k8s.io/kubernetes (tools/kubernetes, by .ci/run). There is no kubelet, so
 * `markPodsReady` stands in for one: it reports pods Running and Ready through
 * the API (and confirms deletions), as a kubelet would after starting them;
 * pods of an image in `neverReady` stay unready, like a crash-looping build.
 */

export const CLUSTER_BINARIES = ["kube-apiserver", "kube-controller-manager", "kubectl"] as const;

/** Why the cluster cannot start here, or undefined when everything it needs is installed. */
export async function clusterUnavailable(): Promise<string | undefined> {
  const missing = CLUSTER_BINARIES.filter((b) => !existsSync(join(KUBE_BIN, b)));
  if (missing.length > 0) return `no ${missing.join(", ")} in ${KUBE_BIN} (.ci/run builds them from tools/kubernetes)`;
  if (!(await findTool("etcd"))) return "no etcd (Debian's etcd-server; .ci/run installs it)";
  return undefined;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface Cluster {
  kubeconfig: string;
  /** One request to the API server, as the cluster admin. */
  api(method: string, path: string, body?: unknown, contentType?: string): Promise<{ status: number; body: unknown }>;
  /** Starts the kubelet stand-in; returns a stop function. */
  markPodsReady(neverReady: (image: string) => boolean): () => void;
  stop(): Promise<void>;
}

export async function startCluster(): Promise<Cluster> {
  const dir = tempDir("kube-");
  const processes: ChildProcess[] = [];
  const logs = join(dir, "logs");
  mkdirSync(logs);
  const start = (name: string, binary: string, argv: string[]) => {
    const child = spawn(binary, argv, { stdio: ["ignore", "pipe", "pipe"] });
    const log = createWriteStream(join(logs, `${name}.log`));
    child.stdout.pipe(log);
    child.stderr.pipe(log);
    processes.push(child);
    return child;
  };
  const stop = async () => {
    for (const child of processes.reverse()) {
      if (child.exitCode !== null) continue;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  };

  try {
    const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];
    start("etcd", (await findTool("etcd"))!, [
      "--name=default",
      `--data-dir=${join(dir, "etcd")}`,
      `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=default=http://127.0.0.1:${etcdPeer}`,
    ]);

    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const saKey = join(dir, "sa.key");
    const saPub = join(dir, "sa.pub");
    writeFileSync(saKey, privateKey.export({ type: "pkcs8", format: "pem" }));
    writeFileSync(saPub, publicKey.export({ type: "spki", format: "pem" }));
    const token = randomBytes(16).toString("hex");
    const tokens = join(dir, "tokens.csv");
    writeFileSync(tokens, `${token},admin,admin,system:masters\n`);
    const server = `https://127.0.0.1:${apiPort}`;
    const kubeconfig = join(dir, "kubeconfig");
    writeFileSync(
      kubeconfig,
      [
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        `- cluster: { server: "${server}", insecure-skip-tls-verify: true }`,
        "  name: local",
        "users:",
        `- name: admin`,
        `  user: { token: "${token}" }`,
        "contexts:",
        "- context: { cluster: local, user: admin }",
        "  name: local",
        "current-context: local",
        "",
      ].join("\n"),
    );

    const api: Cluster["api"] = (method, path, body, contentType = "application/json") =>
      new Promise((resolve, reject) => {
        const data = body === undefined ? undefined : JSON.stringify(body);
        const req = request(`${server}${path}`, { method, rejectUnauthorized: false, headers: { authorization: `Bearer ${token}`, ...(data ? { "content-type": contentType } : {}) }, timeout: 10_000 }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              // readyz and friends answer plain text
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
        });
        req.on("error", reject);
        req.on("timeout", () => req.destroy(new Error(`${method} ${path} timed out`)));
        req.end(data);
      });

    const kube = (name: string) => join(KUBE_BIN, name);
    const apiserver = start("kube-apiserver", kube("kube-apiserver"), [
      `--etcd-servers=http://127.0.0.1:${etcdClient}`,
      "--bind-address=127.0.0.1",
      "--advertise-address=127.0.0.1",
      // The endpoint reconciler refuses a loopback address; nothing here needs the kubernetes Service's endpoints.
      "--endpoint-reconciler-type=none",
      `--secure-port=${apiPort}`,
      `--cert-dir=${join(dir, "certs")}`,
      `--token-auth-file=${tokens}`,
      "--authorization-mode=RBAC",
      "--service-account-issuer=https://kubernetes.default.svc",
      `--service-account-key-file=${saPub}`,
      `--service-account-signing-key-file=${saKey}`,
      "--service-cluster-ip-range=10.96.0.0/16",
      // No kubelet mounts tokens here; the example's pods do not ask for one.
      "--disable-admission-plugins=ServiceAccount",
    ]);
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (apiserver.exitCode !== null) throw new Error(`kube-apiserver exited with ${apiserver.exitCode}; see ${logs}/kube-apiserver.log`);
      const ready = await api("GET", "/readyz").catch(() => ({ status: 0, body: "" }));
      if (ready.status === 200) break;
      if (Date.now() > deadline) throw new Error(`kube-apiserver not ready within 120s; see ${logs}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    start("kube-controller-manager", kube("kube-controller-manager"), [
      `--kubeconfig=${kubeconfig}`,
      "--leader-elect=false",
      "--bind-address=127.0.0.1",
      "--secure-port=0",
      `--service-account-private-key-file=${saKey}`,
      "--controllers=deployment-controller,replicaset-controller,garbage-collector-controller,namespace-controller,serviceaccount-controller",
    ]);

    const markPodsReady = (neverReady: (image: string) => boolean) => {
      let running = true;
      const tick = async () => {
        const pods = (await api("GET", "/api/v1/pods")).body as { items?: { metadata: { name: string; namespace: string; deletionTimestamp?: string }; spec: { containers: { name: string; image: string }[] }; status?: { conditions?: { type: string; status: string }[] } }[] };
        for (const pod of pods.items ?? []) {
          const at = `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}`;
          if (pod.metadata.deletionTimestamp) {
            await api("DELETE", at, { gracePeriodSeconds: 0 });
            continue;
          }
          const ready = pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True");
          if (ready || pod.spec.containers.some((c) => neverReady(c.image))) continue;
          const now = new Date().toISOString();
          const condition = (type: string) => ({ type, status: "True", lastTransitionTime: now });
          await api(
            "PATCH",
            `${at}/status`,
            {
              status: {
                phase: "Running",
                startTime: now,
                conditions: [condition("PodScheduled"), condition("Initialized"), condition("ContainersReady"), condition("Ready")],
                containerStatuses: pod.spec.containers.map((c) => ({ name: c.name, image: c.image, imageID: "", ready: true, started: true, restartCount: 0, state: { running: { startedAt: now } } })),
              },
            },
            "application/merge-patch+json",
          );
        }
      };
      const loop = async () => {
        while (running) {
          await tick().catch(() => undefined);
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      };
      void loop();
      return () => {
        running = false;
      };
    };

    return { kubeconfig, api, markPodsReady, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
