import { readFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { IMAGES } from "../../pipeline/modules/pins.js";
import { examplePath, type ExampleName } from "../helpers/examples.js";

/** What the examples promise a release builds and deploys: checked on their real files. */

interface Stage {
  from: string;
  instructions: string[];
}

/** A FROM line's parts: its `--platform` (when given), the image and the stage name. */
function fromParts(from: string): { platform: string | undefined; image: string; name: string | undefined } {
  const words = from.split(/\s+/).slice(1);
  const platform = words.find((w) => w.startsWith("--platform="))?.slice("--platform=".length);
  const [image, as, name] = words.filter((w) => !w.startsWith("--"));
  return { platform, image: image!, name: as?.toUpperCase() === "AS" ? name : undefined };
}

/** Dockerfile stages: the FROM line, then each instruction with its continuation lines joined. */
function stages(dockerfile: string): Stage[] {
  const joined = dockerfile.replace(/\\\n\s*/g, " ").split("\n").map((l) => l.trim());
  const result: Stage[] = [];
  for (const line of joined.filter((l) => l && !l.startsWith("#"))) {
    if (/^FROM\s/i.test(line)) result.push({ from: line, instructions: [] });
    else result.at(-1)?.instructions.push(line);
  }
  return result;
}

const EXAMPLES: ExampleName[] = ["go-service", "node-service", "python-service"];
const TOOLCHAIN_IMAGE: Record<ExampleName, string> = { "go-service": IMAGES.go, "node-service": IMAGES.node, "python-service": IMAGES.python };

describe.each(EXAMPLES)("%s Dockerfile", (name) => {
  const all = stages(readFileSync(join(examplePath(name), "Dockerfile"), "utf8"));
  const final = all.at(-1)!;
  const of = (keyword: string) => final.instructions.filter((i) => i.toUpperCase().startsWith(`${keyword} `));

  it("is multi-stage: the toolchain stays in a build stage", () => {
    expect(all.length).toBeGreaterThanOrEqual(2);
    expect(all[0]!.from).toMatch(/\sAS\s+build$/i);
    expect(final.instructions.some((i) => /^COPY\s+--from=build\s/i.test(i))).toBe(true);
  });

  it("runs as a numeric non-root user, so runAsNonRoot can verify it", () => {
    const user = of("USER").at(-1);
    expect(user).toMatch(/^USER\s+(\d+)(:\d+)?$/);
    expect(Number(/^USER\s+(\d+)/.exec(user!)![1])).toBeGreaterThan(0);
  });

  it("has a HEALTHCHECK in exec form and the OCI labels", () => {
    expect(of("HEALTHCHECK")).toEqual([expect.stringMatching(/^HEALTHCHECK\s.*CMD \[/)]);
    const labels = of("LABEL").join(" ");
    for (const key of ["title", "description", "source", "licenses", "version"]) expect(labels).toContain(`org.opencontainers.image.${key}=`);
  });

  it("builds on the image its CI runs in: what ships is what was tested", () => {
    expect(fromParts(all[0]!.from).image).toBe(TOOLCHAIN_IMAGE[name]);
  });

  it("builds on the build machine's platform, so a multi-arch release is not built under emulation", () => {
    expect(fromParts(all[0]!.from).platform).toBe("$BUILDPLATFORM");
    // The image that ships is the target platform's own.
    expect(fromParts(final.from).platform).toBeUndefined();
    // Only platform-independent output crosses to the runtime: no installed dependencies of the build machine.
    const fromBuild = final.instructions.filter((i) => /^COPY\s+(--\S+\s+)*--from=build\s/i.test(i));
    expect(fromBuild.join("\n")).not.toMatch(/node_modules|site-packages|\.venv/);
  });

  it("pins its base images to a patch version (or a digest)", () => {
    for (const { from } of all) {
      const { image } = fromParts(from);
      if (image.startsWith("gcr.io/distroless/")) continue; // distroless publishes no version tags: a digest pins it, which needs a registry
      expect(image, from).toMatch(/(:\S*\d+\.\d+\.\d+\S*|@sha256:[0-9a-f]{64})$/);
    }
  });
});

describe("go-service Dockerfile cross-compiles", () => {
  const build = stages(readFileSync(join(examplePath("go-service"), "Dockerfile"), "utf8"))[0]!;

  it("for the target platform's OS and architecture, statically (no C toolchain for the target needed)", () => {
    const args = build.instructions.filter((i) => /^ARG\s/i.test(i)).flatMap((i) => i.split(/\s+/).slice(1).map((a) => a.split("=")[0]));
    expect(args).toEqual(expect.arrayContaining(["TARGETOS", "TARGETARCH"]));
    const goBuild = build.instructions.filter((i) => /^RUN\s.*\bgo build\b/.test(i));
    expect(goBuild).toHaveLength(1);
    for (const env of ["CGO_ENABLED=0", "GOOS=$TARGETOS", "GOARCH=$TARGETARCH"]) expect(goBuild[0]!.replace(/\$\{(\w+)\}/g, "$$$1")).toContain(env);
  });
});

const kubectl = await execa("kubectl", ["version", "--client"], { reject: false }).catch(() => undefined);
const haveKubectl = kubectl?.exitCode === 0;

describe.skipIf(!haveKubectl)(`go-service kustomize overlays${haveKubectl ? "" : " (skipped: no kubectl on PATH to run kustomize)"}`, () => {
  const build = async (overlay: string) => {
    const result = await execa("kubectl", ["kustomize", join(examplePath("go-service"), "deploy/overlays", overlay)]);
    return parseAllDocuments(result.stdout).map((d) => d.toJS() as { kind: string; metadata: { namespace?: string; labels?: Record<string, string> }; spec: Record<string, unknown> });
  };

  it.each([
    ["staging", 1, "0.1.0-rc.1"],
    ["production", 3, "0.1.0"],
  ])("%s builds a Deployment and Service in its own namespace, with its replicas and image tag", async (overlay, replicas, tag) => {
    const docs = await build(overlay);
    expect(docs.map((d) => d.kind).sort()).toEqual(["Deployment", "Service"]);
    for (const doc of docs) {
      expect(doc.metadata.namespace).toBe(`go-service-${overlay}`);
      expect(doc.metadata.labels?.["app.kubernetes.io/instance"]).toBe(`go-service-${overlay}`);
    }
    const deployment = docs.find((d) => d.kind === "Deployment")!;
    expect(deployment.spec["replicas"]).toBe(replicas);
    const containers = (deployment.spec["template"] as { spec: { containers: { image: string }[] } }).spec.containers;
    expect(containers.map((c) => c.image)).toEqual([`ghcr.io/example/go-service:${tag}`]);
  });
});
