import { readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { stringify } from "../../pipeline/vendor/yaml.js";
import { detectLanguage, LANGUAGE_MARKERS } from "../../pipeline/src/config/detect.js";
import { pipelineJsonSchema, type Language } from "../../pipeline/src/config/schema.js";
import { CliError } from "../errors.js";
import { pathKind, systemError } from "../path-kind.js";
import { languageOfSources, missingManifest } from "./missing-manifest.js";

export interface InitOptions {
  dir: string;
  language?: Language;
  force?: boolean;
}

/** Writes a commented pipeline.yaml for the project's language; never overwrites without `force`. */
export function init(options: InitOptions): { file: string; language: Language } {
  const dir = pathKind(options.dir);
  if (dir === "missing") {
    throw new CliError("INIT_DIR_NOT_FOUND", `--dir ${options.dir}: no such directory.\n  Fix: pass the project folder, or create it first: mkdir -p ${options.dir}`);
  }
  if (dir === "no-access") {
    throw new CliError("INIT_DIR_NO_ACCESS", `--dir ${options.dir}: permission denied: a folder on its path cannot be searched.\n  Fix: make that folder searchable by this user (chmod u+x), or pass a folder you own.`);
  }
  if (dir !== "directory") {
    throw new CliError("INIT_DIR_NOT_A_DIRECTORY", `--dir ${options.dir} is not a directory.\n  Fix: pass the project folder that holds it: --dir ${dirname(options.dir)}`);
  }
  const file = join(options.dir, "pipeline.yaml");
  const existing = pathKind(file);
  if (existing === "directory") {
    throw new CliError("INIT_TARGET_IS_A_DIRECTORY", `${file} is a directory, so no pipeline.yaml can be written there.\n  Fix: rename or remove that directory.`);
  }
  if (existing === "no-access") {
    throw new CliError("INIT_DIR_NO_ACCESS", `--dir ${options.dir}: permission denied: the folder cannot be searched.\n  Fix: make it searchable by this user (chmod u+x ${options.dir}), or pass a folder you own.`);
  }
  if (existing === "other") {
    // Writing into a FIFO blocks until something reads it, and would not replace it: refuse even with --force.
    throw new CliError("INIT_TARGET_NOT_A_FILE", `${file} is not a regular file (a FIFO, socket or device).\n  Fix: remove it (rm ${file}), then run pipeline init again.`);
  }
  if (existing === "file" && !options.force) {
    throw new CliError("INIT_EXISTS", `${file} already exists.\n  Fix: edit it, or pass --force to replace it.`);
  }
  let entries: string[] | undefined;
  try {
    entries = readdirSync(options.dir);
  } catch (error) {
    const failure = cannot("list", options.dir, options.dir, error);
    // With --language the listing only decides whether to write the language line, and writing it is always right.
    if (!options.language) throw failure;
  }
  const detected = entries && detectLanguage(entries);
  // A manifest missing for --language is refused too: the config would name a language the pipeline cannot run.
  const refusal = entries && options.language && missingManifest(options.dir, options.language, entries, "--language");
  if (refusal) throw refusal;
  const language = options.language ?? detected;
  if (!language) {
    const fromSources = entries && languageOfSources(options.dir);
    const noManifest = entries && fromSources && missingManifest(options.dir, fromSources, entries, "sources");
    if (noManifest) throw noManifest;
    throw new CliError(
      "INIT_NO_LANGUAGE",
      `cannot detect the language of ${options.dir}: none of ${LANGUAGE_MARKERS.join(", ")} is there.\n  Fix: pass --language ${fromSources ?? "go|node|python"}.`,
    );
  }
  // A --language that detection would not find must be written, or the pipeline would run another toolchain.
  try {
    writeFileSync(file, configTemplate(language, { pinLanguage: language !== detected }));
  } catch (error) {
    // With --force the existing file is the one to fix; otherwise the folder that gets a new file.
    throw cannot("write", file, existing === "file" ? file : options.dir, error);
  }
  return { file, language };
}

/** What the filesystem refused, as a CliError naming `path` and what to chmod; anything but a failed system call is a bug and is rethrown. */
function cannot(action: "list" | "write", path: string, fixPath: string, error: unknown): CliError {
  const failure = systemError(error);
  if (!failure) throw error;
  const denied = failure.code === "EACCES" || failure.code === "EPERM";
  const [what, mode] = action === "list" ? ["readable", "r"] : ["writable", "w"];
  const fix = denied
    ? `make ${fixPath} ${what} by this user (chmod u+${mode} ${fixPath}), or pass --dir a folder you own`
    : "pass --dir your project's folder, on a file system that accepts new files";
  return new CliError(action === "list" ? "INIT_CANNOT_LIST" : "INIT_CANNOT_WRITE", `cannot ${action} ${path}: ${failure.reason}.\n  Fix: ${fix}.`);
}

/**
 * Keys that only one language uses (the schema's description says so: "Go only: ..."), left out of the other
 * languages' files: a Node project has no race detector, no gosec and no golangci-lint image to pin.
 */
export const LANGUAGE_ONLY_KEYS: Readonly<Record<string, { language: Language }>> = {
  "images.go": { language: "go" },
  "images.golangciLint": { language: "go" },
  "images.distrolessStatic": { language: "go" },
  "images.node": { language: "node" },
  "images.osvScanner": { language: "node" },
  "images.python": { language: "python" },
  "stages.test.race": { language: "go" },
  "stages.integration.tags": { language: "go" },
  "stages.integration.run": { language: "go" },
  "stages.integration.marker": { language: "python" },
  "stages.integration.files": { language: "node" },
  "stages.integration.script": { language: "node" },
  "stages.scan.govulncheckDb": { language: "go" },
  "stages.scan.tools.govulncheck": { language: "go" },
  "stages.scan.tools.gosec": { language: "go" },
  "stages.scan.tools.osvScanner": { language: "node" },
  "stages.scan.tools.pipAudit": { language: "python" },
  "stages.scan.tools.bandit": { language: "python" },
  "image.main": { language: "go" },
  "release.binaries": { language: "go" },
};

/**
 * Images every language's stages share (the scan's gitleaks, semgrep, trivy and hadolint; git; the image
 * stages' SBOM, scan and signing tools and their toolbox; the deploy tools): no template shows them, as a
 * dozen digest pins a team rarely overrides, the same in every language; `pipeline schema` lists them.
 */
export const SHARED_IMAGE_KEYS: readonly string[] = [
  "images.alpine",
  "images.cosign",
  "images.git",
  "images.gitleaks",
  "images.grype",
  "images.hadolint",
  "images.semgrep",
  "images.syft",
  "images.trivy",
  // The deploy tools' images (kubectl, kustomize, helm, curl, git), a section of their own.
  "deploy.images",
];

/** Shown for keys with no default, so the file documents them too: uncommented, they change the config. */
const EXAMPLES: Readonly<Record<string, (language: Language) => unknown>> = {
  language: (language) => language,
  "stages.lint.commands": (language) => ({ go: [["go", "vet", "./..."]], node: [["npm", "run", "lint"]], python: [["ruff", "check", "."]] })[language],
  "release.image": () => "ghcr.io/<owner>/<name>",
  "stages.integration.run": () => "^TestIntegration",
  "stages.integration.script": () => "test:integration",
};

interface SchemaNode {
  description?: string;
  default?: unknown;
  properties?: Record<string, SchemaNode>;
}

interface Row {
  text: string;
  note?: string | undefined;
  live?: boolean;
}

/**
 * The pipeline.yaml that init writes. Keys, descriptions and defaults come from
 * the schema (its JSON Schema form); every default is commented out, so the
 * tool's defaults keep applying and a pin bump reaches the user on upgrade.
 */
export function configTemplate(language: Language, options: { pinLanguage?: boolean } = {}): string {
  const rows = schemaRows(pipelineJsonSchema(), [], language, options.pinLanguage ?? false);
  // Notes line up in one column, except beside a value too long for it (a digest-pinned image): aligning
  // every note to that one would push them all off the screen.
  const width = Math.max(...rows.map((row) => row.text.length).filter((length) => length <= ALIGNED_TEXT_MAX)) + 2;
  const lines = rows.map(({ text, note, live }) => {
    const line = text === "" ? "" : `${live ? "" : "# "}${text}`;
    return note ? `${line.padEnd(width)}  # ${note.replace(/\s+/g, " ")}` : line;
  });
  // No yaml-language-server line is written: no URL serves this schema, and the installed CLI's own schema matches its defaults.
  return `# pipeline.yaml: configuration of \`dagger call ci\` (and \`pipeline plan ci\`), written by \`pipeline init\`.
# Each commented-out line shows a default, which applies while the line stays
# commented, so upgrading pipeline also upgrades it. To change a value, remove
# the "# " of its line and of the keys above it. \`pipeline validate\` checks the file.
# Editor completion: run \`pipeline schema > pipeline.schema.json\` (again after
# each upgrade), then put \`# yaml-language-server: $schema=./pipeline.schema.json\`
# on the first line of this file.

${lines.join("\n")}
`;
}

/** The longest key-and-value text whose note still lines up with the others. */
const ALIGNED_TEXT_MAX = 60;

function schemaRows(node: SchemaNode, path: string[], language: Language, pinLanguage: boolean): Row[] {
  return Object.entries(node.properties ?? {}).flatMap(([key, child]): Row[] => {
    const at = [...path, key].join(".");
    const only = LANGUAGE_ONLY_KEYS[at];
    if ((only && only.language !== language) || SHARED_IMAGE_KEYS.includes(at)) return [];
    const indent = "  ".repeat(path.length);
    const note = child.description;
    if (child.properties) {
      // A section absent by default (image.healthcheck, ci.notify): uncommented, it would add itself, half-filled.
      if (child.default === undefined && path.length > 0) return [];
      const gap = path.length === 0 ? [{ text: "" }] : [];
      return [...gap, { text: `${indent}${key}:`, note }, ...schemaRows(child, [...path, key], language, pinLanguage)];
    }
    const value = child.default !== undefined ? child.default : EXAMPLES[at]?.(language);
    // $schema and the other stages' commands: the header and lint's example cover them.
    if (value === undefined) return [];
    const live = at === "language" && pinLanguage;
    const text = `${indent}${key}: ${stringify(value, { collectionStyle: "flow", flowCollectionPadding: false, lineWidth: 0 }).trim()}`;
    if (!Array.isArray(value) || text.length <= ALIGNED_TEXT_MAX) return [{ text, note, live }];
    // A list too long for one line gets one item a line (a wrapped flow list would not be valid YAML once commented).
    const items = stringify(value).trimEnd().split("\n").map((line): Row => ({ text: `${indent}  ${line}`, live }));
    return [{ text: `${indent}${key}:`, note, live }, ...items];
  });
}
