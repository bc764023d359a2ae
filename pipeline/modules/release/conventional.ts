import type { GitCommit } from "../git/metadata.js";

/** A commit message read by the Conventional Commits 1.0.0 grammar. */
export interface ConventionalCommit {
  type: string;
  scope: string | undefined;
  breaking: boolean;
  description: string;
  /** The BREAKING CHANGE footer's text, or the description for a `!` without one. */
  breakingNote: string | undefined;
}

const HEADER = /^(?<type>[A-Za-z]+)(?:\((?<scope>[^()\r\n]+)\))?(?<bang>!)?: (?<description>\S.*)$/;

/** Parses the subject and body; `undefined` for a message that is not conventional. */
export function parseConventional(subject: string, body = ""): ConventionalCommit | undefined {
  const match = HEADER.exec(subject.trim());
  if (!match?.groups) return undefined;
  const { type, scope, bang, description } = match.groups as { type: string; scope?: string; bang?: string; description: string };
  const footer = /^BREAKING[ -]CHANGE: ?([\s\S]*?)(?=\n[\w-]+(?:: | #)|\n*$)/m.exec(body);
  const breakingNote = footer ? footer[1]!.trim() : bang ? description : undefined;
  return { type: type.toLowerCase(), scope: scope?.trim(), breaking: Boolean(bang) || Boolean(footer), description: description.trim(), breakingNote };
}

/** The inverse of parseConventional's header part (for round-trip properties). */
export function formatConventionalHeader(c: Pick<ConventionalCommit, "type" | "scope" | "breaking" | "description">): string {
  return `${c.type}${c.scope ? `(${c.scope})` : ""}${c.breaking ? "!" : ""}: ${c.description}`;
}

export interface NotesInput {
  tag: string;
  previousTag: string | undefined;
  commits: readonly GitCommit[];
  /** The repository's web URL, for compare and commit links. */
  webUrl?: string | undefined;
}

const SECTIONS: [string, string][] = [
  ["feat", "Features"],
  ["fix", "Bug fixes"],
  ["perf", "Performance"],
  ["revert", "Reverts"],
];

/**
 * Release notes: breaking changes first, then features, fixes, performance
 * and reverts; other conventional types (docs, chore, ci...) stay out. When
 * most commits are not conventional, the plain commit list is the notes, so
 * nothing is lost.
 */
export function renderReleaseNotes({ tag, previousTag, commits, webUrl }: NotesInput): string {
  const parsed = commits.map((commit) => ({ commit, cc: parseConventional(commit.subject, commit.body) }));
  const conventional = parsed.filter((p) => p.cc !== undefined).length;
  const link = (c: GitCommit) => (webUrl ? `[${c.sha.slice(0, 7)}](${webUrl}/commit/${c.sha})` : c.sha.slice(0, 7));
  const lines: string[] = [`## ${tag}`, ""];
  if (commits.length === 0) lines.push(previousTag ? `No changes since ${previousTag}.` : "First release.", "");
  else if (conventional * 2 < commits.length) {
    lines.push("### Commits", "", ...parsed.map(({ commit }) => `- ${commit.subject} (${link(commit)})`), "");
  } else {
    const entry = (p: (typeof parsed)[number], text: string) => `- ${p.cc?.scope ? `**${p.cc.scope}:** ` : ""}${text} (${link(p.commit)})`;
    const breaking = parsed.filter((p) => p.cc?.breaking);
    if (breaking.length) lines.push("### ⚠ Breaking changes", "", ...breaking.map((p) => entry(p, p.cc!.breakingNote!)), "");
    for (const [type, title] of SECTIONS) {
      const items = parsed.filter((p) => p.cc?.type === type);
      if (items.length) lines.push(`### ${title}`, "", ...items.map((p) => entry(p, p.cc!.description)), "");
    }
    const other = parsed.filter((p) => p.cc === undefined);
    if (other.length) lines.push("### Other commits", "", ...other.map((p) => `- ${p.commit.subject} (${link(p.commit)})`), "");
  }
  if (previousTag && webUrl) lines.push(`**Full changelog:** ${webUrl}/compare/${previousTag}...${tag}`, "");
  return lines.join("\n");
}
