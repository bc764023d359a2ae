/**
 * Every pinned version the pipeline runs, in one place: upgrading a tool is
 * one edit here (or an override in pipeline.yaml's `images`). The Dagger
 * engine and SDK pins live in dagger.json (`engineVersion`) and package.json
 * (`@dagger.io/dagger`); `test/layout/pins.test.ts` keeps them on the same version.
 *
 * Each image is pinned by tag and digest: the tag says what it is, the digest
 * (the multi-arch index, so every platform resolves) is what gets pulled, so a
 * rebuild of the tag upstream cannot change a result. No registry is reachable
 * where this is developed, so each digest is one seen pinned to the same tag in
 * public repositories (named beside it); a bump takes the new digest from the
 * registry (`docker buildx imagetools inspect <image:tag>`).
 */
export const IMAGES = {
  // Go 1.26: a supported release (Go supports the two newest). Seen in lauchiwa/AstrLink Dockerfile
  // (commit e1e055f8) and FroZor/loreva-agent Dockerfile (commit 55aa06dd).
  go: "golang:1.26.9-bookworm@sha256:d9c68c2c51161e12fd77e4c6320687c9cd86e1af1e3ad6e6cd63ff970641453c",
  // v2: v1 cannot lint modules declaring go 1.24 or later. Seen in dbcrit/vesta hack/go-lint.sh and
  // pt9912/pgwire-recorder Dockerfile.
  golangciLint: "golangci/golangci-lint:v2.14.0@sha256:ad862ba6b3798cbe0fd9fd7408d498fd74fbd2623a92406b2fd3898faf0bf98f",
  // Node 24, the active LTS (22.12's bundled corepack fails on pnpm with "Cannot find matching keyid").
  // The index digest, recorded with its amd64 and arm64 manifests in mattjons0n/ShelfSend
  // deploy/docker/base-image.lock; also in agentconnect-md/agentconnect docker/runtime-sandbox.Dockerfile.
  node: "node:24.21.0-bookworm-slim@sha256:2fe369e969550cde8e867afc3fe370b260140cab4a23d467074295b42163d553",
  // 3.11: what Debian 12 ships, so the examples' pinned dev tools match the real-tool tests here.
  // Seen in Damel91/flower-mcp Dockerfile and MortyYJT/commerce-support-agent Dockerfile.
  python: "python:3.11.17-slim-bookworm@sha256:2333bd330d12de02514770b3585cad313644316047cdee24a7acfdece6de6efb",
  // The scan stage's scanners (pipeline/modules/scan). Each image has a shell, which the tool-exit script needs.
  // gitleaks and osv-scanner: seen in the Renovate-kept scanner image manifest (its OFFICIAL_IMAGES table) of
  // huntridge-labs' argus scanners; gitleaks also in a justfile pinning it to the same digest.
  gitleaks: "zricethezav/gitleaks:v8.30.1@sha256:c00b6bd0aeb3071cbcb79009cb16a60dd9e0a7c60e2be9ab65d25e6bc8abbb7f",
  osvScanner: "ghcr.io/google/osv-scanner:v2.3.6@sha256:2e07e642463100474fc5e214b66e6beccbd6bfa63dd3fbf047b3f755e78a6cfe",
  // Seen in a scanner-pins.sh ("# semgrep/semgrep:1.175.1" above its digest), beside trivy 0.67.0's.
  semgrep: "semgrep/semgrep:1.175.1@sha256:51c9f53a4fce0d55e9abd08d7b96968654248a4b1122e77f20e0a49c0072446c",
  // Seen in the same Renovate-kept manifest as gitleaks (trivy 0.70.0).
  trivy: "aquasec/trivy:0.70.0@sha256:be1190afcb28352bfddc4ddeb71470835d16462af68d310f9f4bca710961a41e",
  // The -debian variant: the plain tag is a scratch image without the shell the tool-exit script runs in.
  // Seen in several renovate-annotated files (a control-plane lint script, Makefiles, a CI Dockerfile stage).
  hadolint: "hadolint/hadolint:v2.14.0-debian@sha256:158cd0184dcaa18bd8ec20b61f4c1cabdf8b32a592d062f57bdcb8e4c1d312e2",
  // The image stages (pipeline/modules/image). syft, grype and cosign images hold only their binary (no shell),
  // so the pipeline copies it into the toolbox below. syft v1.52.0: seen pinned to this digest in many files
  // (a Makefile beside grype v0.119.0 and hadolint v2.15.1, release scripts, a Dockerfile stage `AS syft`).
  syft: "anchore/syft:v1.52.0@sha256:500e2d872ac019436926e8322b4fc1f39441d94d21f6f4046c6ff29b30e8cb02",
  // Seen beside that syft pin in the same Makefile, a CI scan script and a Dockerfile stage.
  grype: "anchore/grype:v0.119.0@sha256:8c2c9234a345577a6d321a4753aa3ee1276d8975c8452d2344a56b57733ecad3",
  // Seen in a Dockerfile stage `AS cosign`, a deploy-verification shell script and a Python test helper.
  cosign: "ghcr.io/sigstore/cosign/cosign:v2.6.3@sha256:4bedb8de1c5c1abd8dea60de704ba449402d238623fa8bb33d2ccaa9beffcbf5",
  // The toolbox: sh, tar, gzip, base64 (busybox) for the image inspection and signing scripts. Seen in five files
  // (backup scripts running `tar czf`, a Dockerfile runtime stage, a cloud init script).
  alpine: "alpine:3.22@sha256:14358309a308569c32bdc37e2e0e9694be33a9d99e68afb0f5ff33cc1f695dce",
  // The base of a Go image built without a Dockerfile: a static binary as uid 65532. Seen in three Dockerfiles
  // (a Go service's runtime stage, a Rust service's, a BASE_IMAGE build arg).
  distrolessStatic: "gcr.io/distroless/static-debian12:nonroot@sha256:d093aa3e30dbadd3efe1310db061a14da60299baff8450a17fe0ccc514a16639",
  // git for the commit, branch, tags and history of the --git checkout (pipeline/modules/git), with busybox's sh and
  // timeout for the tool-exit script. Seen pinned to this digest in a Go build worker's defaults, its kind script and
  // two service tables (git-cli, a fetch stage).
  git: "alpine/git:v2.49.1@sha256:c0280cf9572316299b08544065d3bf35db65043d5e3963982ec50647d2746e26",
} as const;

/**
 * Go scanners, installed with `go install` into the Go image (no image of theirs builds the project's
 * packages with the project's Go and module cache, which both need to load the code).
 */
export const GO_SCAN_TOOLS = ["golang.org/x/vuln/cmd/govulncheck@v1.9.0", "github.com/securego/gosec/v2/cmd/gosec@v2.30.0"] as const;

/** Python scanners, pip-installed into the Python image (pure Python; bandit has no official image). */
export const PYTHON_SCAN_TOOLS = ["bandit==1.9.4", "pip-audit==2.10.1"] as const;

/** What `release` builds a Python project's sdist and wheel with (PEP 517 frontend), pip-installed into the Python image. */
export const PYTHON_RELEASE_TOOLS = ["build==1.6.1"] as const;

/**
 * Python tools installed next to the project's own requirements (no image pins them). black, isort and
 * flake8 run when the project configures them (pipeline/modules/python/linters.ts), ruff when it names none.
 */
export const PYTHON_TOOLS = [
  "pytest==8.3.4",
  "pytest-cov==6.0.0",
  "pytest-benchmark==5.1.0",
  "hypothesis==6.122.3",
  "ruff==0.8.4",
  "black==24.10.0",
  "isort==5.13.2",
  "flake8==7.1.1",
] as const;

/**
 * The deploy tools (pipeline/modules/deploy), overridable in pipeline.yaml's deploy.images. Each digest
 * is one seen pinned to the same tag in public repositories; kubectl, kustomize and helm are the
 * versions the real-tool tests build (tools/kubernetes/go.mod, tools/go-tools.txt).
 */
export const DEPLOY_IMAGES = {
  // The official image (shell-free). Seen in a Renovate-kept tool-image env file beside helm 4.3.0's,
  // a chart's values (app.kubectlImage) and a jsonnet CronJob.
  kubectl: "registry.k8s.io/kubectl:v1.37.1@sha256:b7cab618e281b1ee7484e7b706a96e2135fbb6e072c2a573a7dab4e87d7f2385",
  // The official image; the binary is /app/kustomize. Seen in a Renovate-annotated Dagger module default
  // and two repositories' render scripts.
  kustomize: "registry.k8s.io/kustomize/kustomize:v5.8.1@sha256:899fcd3bc898160e62bcaf82932b0cb29ba38d16272353db2e7acbba82129429",
  // Helm 4 applies server-side. Seen in many files: a justfile, CI scripts, Dockerfiles, a compose file.
  helm: "alpine/helm:4.3.0@sha256:a6cf54599ccb99d90cf0712b30f03fdb3cab062e6b94e0418cc4db7e8a1464b2",
  // Seen in several Dockerfiles (as a build stage) and curl-check scripts.
  curl: "curlimages/curl:8.20.0@sha256:b3f1fb2a51d923260350d21b8654bbc607164a987e2f7c84a0ac199a67df812a",
  // alpine/git rebuilds its tags (v2.54.0 shows several digests across repositories); this one is in a
  // Go constant of a build service and an image list of another. Alpine, so the askpass script has its sh.
  git: "alpine/git:v2.54.0@sha256:6f3b5029566da8e90b24945933dcd806be866b64b1e706f51828bf84faccf21b",
} as const;

/**
 * The service containers' images (pipeline/modules/services): what a `services:` entry named (or of kind)
 * postgres or redis runs when it gives no image of its own. Each digest is one seen pinned to the same tag
 * in public repositories; `command` is the image's own entrypoint and default arguments (its ENTRYPOINT
 * and CMD), which the pipeline's supervisor runs so it can keep the service's last log lines.
 */
export const SERVICE_IMAGES = {
  // PostgreSQL 17, on Debian bookworm like the tool images. The multi-arch index digest: seen in a table of
  // pins that calls it "Official multi-arch manifest digest", a database shell script, a JS test helper and
  // a components list ("Docker Official Image").
  postgres: {
    image: "postgres:17.11-bookworm@sha256:051f7b7b3abdd564d5d1bd1e8c4b9c1b6e77087d1dd22020ede611c096a272e0",
    command: ["docker-entrypoint.sh", "postgres"],
  },
  // Redis 7.4 (>= 7.4.6 for CVE-2025-49844), bookworm. Seen in six files: two deployment tables, a Dockerfile
  // base pin, a testcontainers helper, a TypeScript engine switch and a security note.
  redis: {
    image: "redis:7.4.11-bookworm@sha256:c6eabf748fc7a61dbb5a705c78bcf3d6377b1127a97d0ce965c11c44ba46896f",
    command: ["docker-entrypoint.sh", "redis-server"],
  },
} as const;
