import { describe, expect, it } from "vitest";
import { parseInspection, type InspectedImage } from "../../../pipeline/modules/image/inspect.js";
import { checkImagePolicy, DEFAULT_ALLOWED_FILES, DEFAULT_FORBIDDEN_FILES, DEFAULT_REQUIRED_LABELS, formatViolation, globToRegExp, type PolicyOptions } from "../../../pipeline/modules/image/policy.js";
import { describeGate, gateVulnerabilities, parseGrype, parseTrivyImage } from "../../../pipeline/modules/image/scan.js";
import { describeFixtures, readFixture } from "../../helpers/fixtures.js";

const options: PolicyOptions = { disabled: new Map(), requiredLabels: DEFAULT_REQUIRED_LABELS, forbiddenFiles: DEFAULT_FORBIDDEN_FILES, allowedFiles: DEFAULT_ALLOWED_FILES };
const labels = Object.fromEntries(DEFAULT_REQUIRED_LABELS.map((l) => [l, "x"]));
const good: InspectedImage = {
  manifestDigest: "sha256:" + "1".repeat(64),
  platform: "linux/amd64",
  config: { config: { User: "65532:65532", Env: ["PATH=/usr/bin", "DB_PASSWORD_FILE=/run/secrets/db"], Labels: labels, Healthcheck: { Test: ["CMD", "/app/server", "-healthcheck"] } } },
  layers: [{ digest: "sha256:" + "2".repeat(64), files: ["app/", "app/server", "etc/ssl/certs/ca-certificates.crt", "app/.env.example"] }],
};
const withConfig = (config: NonNullable<InspectedImage["config"]["config"]>): InspectedImage => ({ ...good, config: { config: { ...good.config.config, ...config } } });

describe("image policy", () => {
  it("passes a non-root image with a healthcheck, labels and clean layers", () => {
    expect(checkImagePolicy([good], options)).toEqual([]);
  });

  it("names the rule and the fix of each violation", () => {
    const bad: InspectedImage = {
      ...withConfig({ User: "", Env: ["API_TOKEN=s3cr3t-value", "GH=ghp_" + "a".repeat(36)], Labels: { [DEFAULT_REQUIRED_LABELS[0]!]: "x" }, Healthcheck: null }),
      layers: [
        { digest: "sha256:" + "3".repeat(64), files: ["./src/.git/", "./src/.git/HEAD", "./src/.git/objects/ab/cdef", "./src/.env", "root/.ssh/id_ed25519"] },
        { digest: "sha256:" + "4".repeat(64), files: ["src/.wh..env", "certs/server.key"] },
      ],
    };
    const violations = checkImagePolicy([bad], options);
    expect(violations.map((v) => v.rule)).toEqual(["nonRootUser", "healthcheck", "secretEnv", "secretEnv", "forbiddenFiles", "forbiddenFiles", "forbiddenFiles", "forbiddenFiles", "labels"]);
    expect(violations.filter((v) => v.rule === "forbiddenFiles").map((v) => v.message)).toEqual([
      `layer 1 (sha256:333333333333) holds /src/.git`,
      `layer 1 (sha256:333333333333) holds /src/.env`,
      `layer 1 (sha256:333333333333) holds /root/.ssh/id_ed25519`,
      `layer 2 (sha256:444444444444) holds /certs/server.key`,
    ]);
    const text = violations.map(formatViolation).join("\n");
    expect(text).not.toContain("s3cr3t-value");
    expect(text).not.toContain("ghp_");
    expect(text).toContain("image policy nonRootUser (linux/amd64): the image runs as root: no USER is set.\n  Fix: add `USER 65532:65532`");
  });

  it("refuses root and names by uid, and a rule turned off is not checked", () => {
    expect(checkImagePolicy([withConfig({ User: "0:0" })], options).map((v) => v.rule)).toEqual(["nonRootUser"]);
    expect(checkImagePolicy([withConfig({ User: "root" })], options).map((v) => v.rule)).toEqual(["nonRootUser"]);
    expect(checkImagePolicy([withConfig({ User: "node" })], options).map((v) => v.rule)).toEqual(["numericUser"]);
    const off = { ...options, disabled: new Map([["numericUser", "the base image's user"], ["healthcheck", "Kubernetes probes"]] as const) };
    expect(checkImagePolicy([withConfig({ User: "node", Healthcheck: { Test: ["NONE"] } })], off)).toEqual([]);
  });

  it("matches globs across folders", () => {
    expect(globToRegExp("**/.env").test(".env")).toBe(true);
    expect(globToRegExp("**/.env").test("a/b/.env")).toBe(true);
    expect(globToRegExp("**/*.key").test("a/b.key/c")).toBe(false);
    expect(globToRegExp("app/*.txt").test("app/sub/x.txt")).toBe(false);
  });
});

describe("image inspection output", () => {
  it("rebuilds each platform's image from the script's output, following a nested index", () => {
    const config = { architecture: "arm64", os: "linux", config: { User: "1000" } };
    const output = [
      "=== json index.json",
      JSON.stringify({ manifests: [{ digest: "sha256:idx" }] }),
      "=== end",
      "=== json sha256:idx",
      JSON.stringify({ manifests: [{ digest: "sha256:man", platform: { os: "linux", architecture: "arm64" } }, { digest: "sha256:att", platform: { os: "unknown", architecture: "unknown" } }] }),
      "=== end",
      "=== json sha256:man",
      JSON.stringify({ config: { digest: "sha256:cfg" }, layers: [{ digest: "sha256:l1" }] }),
      "=== end",
      "=== json sha256:att",
      JSON.stringify({ config: { digest: "sha256:cfg" }, layers: [] }),
      "=== end",
      "=== json sha256:cfg",
      JSON.stringify(config),
      "=== end",
      "=== layer sha256:l1",
      "app/",
      "app/server",
      "=== end",
    ].join("\n");
    expect(parseInspection(output)).toEqual([{ manifestDigest: "sha256:man", platform: "linux/arm64", config, layers: [{ digest: "sha256:l1", files: ["app/", "app/server"] }] }]);
    expect(parseInspection("")).toEqual([]);
    expect(() => parseInspection("=== json index.json\n{}")).toThrow("ends inside index.json");
  });
});

describeFixtures("image scan reports", () => {
  const gate = { failOn: "high" as const, ignoreUnfixed: false, ignore: [], today: "2026-12-03" };

  it("reads trivy image JSON and gates on HIGH and above", () => {
    const found = parseTrivyImage(readFixture("trivy/image-report.json"));
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]).toEqual({ id: "CVE-2019-1549", severity: "medium", pkg: "libcrypto1.1", installed: "1.1.1c-r0", fixedIn: "1.1.1d-r0", title: "openssl: information disclosure in fork()" });
    const result = gateVulnerabilities(found, gate);
    const high = found.filter((v) => v.severity === "high" || v.severity === "critical");
    expect(result.failing).toHaveLength(high.length);
    expect(gateVulnerabilities(found, { ...gate, failOn: "none" }).failing).toEqual([]);
    const stretch = parseTrivyImage(readFixture("trivy/image-debian-stretch.json"));
    expect(stretch).toHaveLength(5);
    const gems = parseTrivyImage(readFixture("trivy/image-fluentd-gems.json"));
    expect(gems.map((v) => v.pkg)).toHaveLength(2);
  });

  it("reads grype JSON, with accepted and expired ignores", () => {
    const found = parseGrype(readFixture("grype/image-report-chainguard-ruby.json"));
    expect(found.map((v) => v.severity)).toEqual(["high", "high", "high"]);
    expect(parseGrype(readFixture("grype/presenter-empty.json"))).toEqual([]);
    const [first] = found;
    const accepted = gateVulnerabilities(found, { ...gate, ignore: [{ id: first!.id, reason: "not reachable", expires: "2027-01-01" }] });
    expect(accepted.ignored.map((i) => i.vulnerability.id)).toContain(first!.id);
    expect(accepted.failing.every((v) => v.id !== first!.id)).toBe(true);
    const expired = gateVulnerabilities(found, { ...gate, ignore: [{ id: first!.id, reason: "old", expires: "2026-12-02" }] });
    expect(expired.expired).toHaveLength(1);
    expect(expired.failing.some((v) => v.id === first!.id)).toBe(true);
    const lines = describeGate("linux/amd64", expired);
    expect(lines.errorLines.at(-1)).toBe(`image.scan.ignore ${first!.id} expired on 2026-12-02 (old): review it, then extend or remove it`);
    expect(lines.details[0]).toMatch(/^linux\/amd64: \d+ high/);
  });

  it("reads grype's image presenter (critical and low), and ignoreUnfixed drops what has no fix", () => {
    const found = parseGrype(readFixture("grype/presenter-image.json"));
    expect(found.map((v) => v.severity).sort()).toEqual(["critical", "low"]);
    const unfixed = found.filter((v) => v.fixedIn === undefined && v.severity === "critical").length;
    expect(gateVulnerabilities(found, { ...gate, ignoreUnfixed: true }).failing).toHaveLength(1 - unfixed);
  });
});
