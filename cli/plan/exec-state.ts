import type { Copy, EnvVar, Exec, Mount, Step } from "./document.js";

/**
 * Each exec of a container with the state it runs in, replayed from the
 * container's steps: the user, workdir, environment, mounts and copies that
 * hold when it starts. Mounts are keyed by path (a later one replaces an
 * earlier), as the engine mounts them.
 */
export function execsOf(steps: readonly Step[]): Exec[] {
  let user: string | null = null;
  let workdir: string | null = null;
  const env = new Map<string, EnvVar>();
  const mounts = new Map<string, Mount>();
  const copies: Copy[] = [];
  const execs: Exec[] = [];
  for (const step of steps) {
    switch (step.op) {
      case "user":
        user = step.user;
        break;
      case "workdir":
        workdir = step.path;
        break;
      case "env":
        env.delete(step.name);
        env.set(step.name, { name: step.name, value: step.value });
        break;
      case "secret-env":
        env.delete(step.name);
        env.set(step.name, { name: step.name, secret: step.secret });
        break;
      case "unset-env":
      case "unset-secret-env":
        env.delete(step.name);
        break;
      case "mount":
        mounts.set(step.path, withoutOp(step));
        break;
      case "cache":
        mounts.set(step.path, { type: "cache", ...withoutOp(step) });
        break;
      case "secret-file":
        mounts.set(step.path, { type: "secret", ...withoutOp(step) });
        break;
      case "tmpfs":
        mounts.set(step.path, { type: "tmpfs", path: step.path });
        break;
      case "unmount":
        mounts.delete(step.path);
        break;
      case "copy":
        copies.push({ type: "copy", ...withoutOp(step) });
        break;
      case "new-file":
        copies.push({ type: "new-file", ...withoutOp(step) });
        break;
      case "exec":
        execs.push({ argv: step.argv, exitCode: step.exitCode, user, workdir, env: [...env.values()], mounts: [...mounts.values()], copies: [...copies] });
        break;
    }
  }
  return execs;
}

function withoutOp<T extends { op: string }>(step: T): Omit<T, "op"> {
  const rest: Partial<T> = { ...step };
  delete rest.op;
  return rest as Omit<T, "op">;
}
