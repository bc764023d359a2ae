import { describe, expect, it } from "vitest";
import { publicRemoteUrl } from "../../../pipeline/modules/git/args.js";
import { detectTarget } from "../../../pipeline/modules/release/hosted.js";

/** Where the release is created: pipeline.yaml's release.provider, or else the git remote's host. */

describe("the release's provider", () => {
  it("is detected from the remote: github.com is GitHub's REST API, a gitlab host its API v4 (ssh remotes too, through the git reader's public URL)", () => {
    expect(detectTarget("https://github.com/acme/app", {})).toEqual({ provider: "github", apiUrl: "https://api.github.com", repository: "acme/app", webUrl: "https://github.com/acme/app" });
    expect(detectTarget(publicRemoteUrl("git@gitlab.com:acme/platform/app.git"), {})).toEqual({
      provider: "gitlab",
      apiUrl: "https://gitlab.com/api/v4",
      repository: "acme/platform/app",
      webUrl: "https://gitlab.com/acme/platform/app",
    });
    expect(detectTarget("https://gitlab.example.com/acme/app", {})?.apiUrl).toBe("https://gitlab.example.com/api/v4");
  });

  it("is none for a host that is neither, or without a remote, unless pipeline.yaml names one", () => {
    expect(detectTarget("https://git.example.com/acme/app", {})).toBeUndefined();
    expect(detectTarget(undefined, {})).toBeUndefined();
    expect(detectTarget("https://github.com/acme/app", { provider: "none" })).toBeUndefined();
  });

  it("follows pipeline.yaml over the remote: provider, repository and API root (GitHub Enterprise, a self-hosted GitLab)", () => {
    expect(detectTarget("https://git.example.com/acme/app", { provider: "gitlab" })).toMatchObject({ provider: "gitlab", apiUrl: "https://git.example.com/api/v4", repository: "acme/app" });
    expect(detectTarget("https://ghe.example.com/acme/app", { provider: "github" })).toMatchObject({ apiUrl: "https://ghe.example.com/api/v3" });
    expect(detectTarget("https://gl.internal/mirror/app", { provider: "gitlab", repository: "group/sub/app", apiUrl: "https://gl.internal/api/v4/" })).toEqual({
      provider: "gitlab",
      apiUrl: "https://gl.internal/api/v4",
      repository: "group/sub/app",
      webUrl: "https://gl.internal/group/sub/app",
    });
  });

  it("refuses a configured provider when the repository is known from nowhere, naming the key to set", () => {
    expect(() => detectTarget(undefined, { provider: "github" })).toThrow(/release\.provider is github but the repository is unknown \(no git remote\)\.\n {2}Fix: set release\.repository: owner\/name/);
  });
});
