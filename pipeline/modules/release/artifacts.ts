import { randomUUID } from "node:crypto";
import { dag, type Directory, type Secret } from "@dagger.io/dagger";
import { PYTHON_RELEASE_TOOLS } from "../pins.js";
import { WORKDIR, type Project } from "../project.js";
import { checksumArgs, checksumsFile, parseChecksumOutput, type AssetDigest } from "./checksums.js";
import { HTTP_CLIENT_SCRIPT, HTTP_ENV, parseHttpResponse, type AuthScheme, type Transport } from "./http-client.js";

export interface BinarySpec {
  name: string;
  package: string;
  platforms: readonly string[];
}

export interface ArtifactImages {
  go: string;
  node: string;
  python: string;
  alpine: string;
}

/** Go binaries per platform, cross-compiled on the engine's platform (CGO off: static, no C toolchain for the target). */
export function goBinaries(project: Project, images: ArtifactImages, binaries: readonly BinarySpec[], version: string, epoch: string | undefined): Directory {
  let out = dag.directory();
  const base = dag
    .container()
    .from(images.go)
    .withMountedCache("/go/pkg/mod", dag.cacheVolume("go-mod"))
    .withMountedCache("/root/.cache/go-build", dag.cacheVolume("go-build-release"))
    .withDirectory(WORKDIR, project.source)
    .withWorkdir(WORKDIR)
    .withEnvVariable("CGO_ENABLED", "0")
    .with((c) => (epoch ? c.withEnvVariable("SOURCE_DATE_EPOCH", epoch) : c));
  for (const binary of binaries) {
    for (const platform of binary.platforms) {
      const [os, arch] = platform.split("/") as [string, string];
      const file = `${binary.name}_${version}_${os}_${arch}${os === "windows" ? ".exe" : ""}`;
      const built = base
        .withEnvVariable("GOOS", os)
        .withEnvVariable("GOARCH", arch)
        .withExec(["go", "build", "-trimpath", "-buildvcs=false", `-ldflags=-s -w -X main.version=${version}`, "-o", `/out/${file}`, binary.package]);
      out = out.withFile(file, built.file(`/out/${file}`));
    }
  }
  return out;
}

/** `npm pack`'s tarball, after a clean install (its prepack script builds what the package ships). */
export function npmPackage(project: Project, images: ArtifactImages): Directory {
  return dag
    .container()
    .from(images.node)
    .withMountedCache("/cache/npm", dag.cacheVolume("npm"))
    .withEnvVariable("npm_config_cache", "/cache/npm")
    .withDirectory(WORKDIR, project.source, { exclude: ["node_modules"] })
    .withWorkdir(WORKDIR)
    .withExec(["npm", "ci", "--no-audit", "--no-fund"])
    .withExec(["mkdir", "-p", "/out"])
    .withExec(["npm", "pack", "--pack-destination", "/out"])
    .directory("/out");
}

/** The sdist and the wheel, by the PEP 517 frontend `build` (pinned). */
export function pythonPackages(project: Project, images: ArtifactImages, epoch: string | undefined): Directory {
  return dag
    .container()
    .from(images.python)
    .withMountedCache("/cache/pip", dag.cacheVolume("pip"))
    .withEnvVariable("PIP_CACHE_DIR", "/cache/pip")
    .withExec(["pip", "install", "--disable-pip-version-check", ...PYTHON_RELEASE_TOOLS])
    .withDirectory(WORKDIR, project.source, { exclude: [".venv", "**/__pycache__"] })
    .withWorkdir(WORKDIR)
    .with((c) => (epoch ? c.withEnvVariable("SOURCE_DATE_EPOCH", epoch) : c))
    .withExec(["python", "-m", "build", "--sdist", "--wheel", "--outdir", "/out"])
    .directory("/out");
}

/** SHA-256 and SHA-512 of every file of `dir` (top level, by name), listed and computed by one exec in the toolbox. */
export async function digestsOf(dir: Directory, images: ArtifactImages): Promise<AssetDigest[]> {
  const output = await dag.container().from(images.alpine).withMountedDirectory("/dist", dir).withExec(checksumArgs("/dist")).stdout();
  return parseChecksumOutput(output).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** checksums.txt (SHA-256) and checksums-sha512.txt over the given assets. */
export function withChecksumFiles(dir: Directory, digests: readonly AssetDigest[]): Directory {
  return dir.withNewFile("checksums.txt", checksumsFile(digests, "sha256")).withNewFile("checksums-sha512.txt", checksumsFile(digests, "sha512"));
}

/**
 * The release APIs' transport: each request is one exec of the fixed HTTP
 * client script in the Node image, the release files mounted at /assets, the
 * token a secret variable (never in an argument, the request file or a log),
 * and a nonce so no answer comes from the engine's cache.
 */
export function daggerTransport(nodeImage: string, assets: Directory, token: Secret | undefined, scheme: AuthScheme): Transport {
  const base = dag
    .container()
    .from(nodeImage)
    .withMountedDirectory("/assets", assets)
    .withNewFile("/pipeline/http-client.mjs", HTTP_CLIENT_SCRIPT)
    .withEnvVariable(HTTP_ENV.auth, token ? scheme : "none")
    .with((c) => (token ? c.withSecretVariable(HTTP_ENV.token, token) : c));
  return async (request) => {
    const stdout = await base
      .withNewFile("/pipeline/request.json", JSON.stringify(request))
      .withEnvVariable("PIPELINE_REQUEST_NONCE", randomUUID())
      .withExec(["node", "/pipeline/http-client.mjs", "/pipeline/request.json"])
      .stdout();
    return parseHttpResponse(stdout);
  };
}
