import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { doctor, renderDoctor } from "../../cli/commands/doctor.js";
import { pinnedDaggerVersion } from "../../cli/dagger-version.js";
import { main } from "../../cli/main.js";
import { tempDir } from "../helpers/examples.js";

/**
 * dagger and docker are external tools: stand-in executables on a PATH of
 * their own (as execa's tests do) play each case, real processes included.
 */
interface Fake {
  stdout?: string;
  stderr?: string;
  exitCode?: number;
}

function pathWith(tools: { dagger?: Fake; docker?: Fake }): NodeJS.ProcessEnv {
  const dir = tempDir("doctor-path-");
  for (const [name, fake] of Object.entries(tools)) {
    const script = join(dir, name);
    writeFileSync(
      script,
      `#!${process.execPath}\nprocess.stdout.write(${JSON.stringify(fake.stdout ?? "")});\nprocess.stderr.write(${JSON.stringify(fake.stderr ?? "")});\nprocess.exitCode = ${fake.exitCode ?? 0};\n`,
    );
    chmodSync(script, 0o755);
  }
  return { ...process.env, PATH: dir };
}

async function check(name: "dagger" | "docker", tools: { dagger?: Fake; docker?: Fake }) {
  const checks = await doctor({ env: pathWith(tools) });
  return checks.find((c) => c.name === name)!;
}

const pinned = pinnedDaggerVersion();
const install = `curl -fsSL https://dl.dagger.io/dagger/install.sh | DAGGER_VERSION=${pinned} BIN_DIR=$HOME/.local/bin sh`;

describe("pipeline doctor", () => {
  it("passes with dagger at the pinned version and a Docker daemon that answers", async () => {
    const checks = await doctor({ env: pathWith({ dagger: { stdout: `dagger v${pinned} (image://registry.dagger.io/engine:v${pinned}) linux/amd64\n` }, docker: { stdout: "27.3.1\n" } }) });
    expect(checks.map((c) => [c.name, c.ok])).toEqual([["node", true], ["dagger", true], ["docker", true]]);
    expect(renderDoctor(checks)).toContain(`✔ dagger  found ${pinned}, dagger.json pins ${pinned}\n✔ docker  server 27.3.1\n`);
  });

  it("reports a dagger at another version, with the install command", async () => {
    expect(await check("dagger", { dagger: { stdout: "dagger v0.20.1 (registry.dagger.io/engine) linux/amd64\n" } })).toEqual({
      name: "dagger",
      ok: false,
      detail: `found 0.20.1, dagger.json pins ${pinned}`,
      fix: install,
    });
  });

  it("tells a missing dagger from one that fails", async () => {
    expect(await check("dagger", {})).toEqual({ name: "dagger", ok: false, detail: "the dagger CLI is not on PATH", fix: install });
    expect(await check("dagger", { dagger: { stderr: "\nerror: corrupt binary\n", exitCode: 3 } })).toEqual({
      name: "dagger",
      ok: false,
      detail: "`dagger version` failed with exit code 3: error: corrupt binary",
      fix: `reinstall it: ${install}`,
    });
  });

  it("tells a missing docker CLI from a daemon that does not answer, with the reason", async () => {
    expect(await check("docker", {})).toEqual({
      name: "docker",
      ok: false,
      detail: "the docker CLI is not on PATH",
      fix: "install Docker Engine (Debian: apt-get install docker.io)",
    });
    const down = await check("docker", { docker: { stderr: "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n", exitCode: 1 } });
    expect(down.ok).toBe(false);
    expect(down.detail).toBe(
      "the Docker daemon is not reachable: `docker info` exited with code 1: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?",
    );
    expect(down.fix).toMatch(/^start it \(systemctl start docker/);
    expect((await check("docker", { docker: { exitCode: 1 } })).detail).toBe("the Docker daemon is not reachable: `docker info` exited with code 1");
  });

  it("reports a tool that is there but cannot be run", async () => {
    const env = pathWith({ docker: { stdout: "27.3.1\n" } });
    chmodSync(join(env["PATH"]!, "docker"), 0o644);
    expect((await doctor({ env })).find((c) => c.name === "docker")).toEqual({
      name: "docker",
      ok: false,
      detail: "cannot run `docker info`: spawn docker EACCES",
      fix: "check `which docker`, or reinstall Docker Engine",
    });
  });

  describe("as a command", () => {
    const savedPath = process.env["PATH"];
    afterEach(() => {
      process.env["PATH"] = savedPath;
    });

    it("prints every check and exits 1 when one fails", async () => {
      process.env["PATH"] = pathWith({ docker: { stdout: "27.3.1\n" } })["PATH"];
      let out = "";
      const code = await main(["doctor"], { out: (t) => void (out += t), err: () => undefined });
      expect(code).toBe(1);
      expect(out).toMatch(/^✔ node +v\d+/m);
      expect(out).toContain(`✘ dagger  the dagger CLI is not on PATH\n          Fix: ${install}\n✔ docker  server 27.3.1\n`);
    });
  });
});
