import { parseDocument } from "../../vendor/yaml.js";

/** A hook of .pre-commit-config.yaml: its id and the arguments it adds to its tool. */
export interface PreCommitHook {
  id: string;
  args: string[];
}

/** The hooks of every repo in a .pre-commit-config.yaml; throws naming the file when it is not YAML. */
export function preCommitHooks(text: string): PreCommitHook[] {
  const document = parseDocument(text);
  if (document.errors.length > 0) {
    throw new Error(`.pre-commit-config.yaml is not valid YAML: ${document.errors[0]!.message.split("\n")[0]}. Fix: correct the file (pre-commit validate-config checks it).`);
  }
  const config: unknown = document.toJS();
  const repos = isRecord(config) && Array.isArray(config["repos"]) ? config["repos"] : [];
  return repos.flatMap((repo: unknown) => {
    const hooks = isRecord(repo) && Array.isArray(repo["hooks"]) ? repo["hooks"] : [];
    return hooks.flatMap((hook: unknown) => {
      if (!isRecord(hook) || typeof hook["id"] !== "string") return [];
      const args = Array.isArray(hook["args"]) ? hook["args"].map(String) : [];
      return [{ id: hook["id"], args }];
    });
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
