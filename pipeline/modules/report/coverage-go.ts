import { summarizeFiles } from "./coverage-total.js";
import type { CoverageSummary, FileCoverage, LineHits } from "./model.js";

/**
 * Go coverprofiles (`-coverprofile`, modes set/count/atomic). A line is
 * `file:startLine.startCol,endLine.endCol numStmts count`. With
 * `-coverpkg` every test binary reports every package, so one block
 * appears once per binary: blocks are merged by position (covered when any
 * count > 0) before counting, so the total equals `go tool cover -func`'s.
 */

interface Block {
  file: string;
  startLine: number;
  endLine: number;
  statements: number;
  count: number;
}

// The position (group 1) is the block's identity; a file name may hold any character (dotAll).
const BLOCK = /^((.+):(\d+)\.(\d+),(\d+)\.(\d+)) (\d+) (\d+)$/s;

/**
 * Parses a coverprofile. `modulePath` (e.g. `example.com/app`) is stripped
 * from file names so they become repository-relative, as Cobertura
 * consumers (GitLab, GitHub actions) expect.
 */
export function parseGoCoverprofile(profile: string, options: { modulePath?: string } = {}): CoverageSummary {
  let mode = "";
  const blocks = new Map<string, Block>();
  for (const raw of profile.split("\n")) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith("mode:")) {
      // Concatenated profiles repeat the mode line; the first one wins.
      mode ||= line.slice(5).trim();
      continue;
    }
    const m = BLOCK.exec(line);
    if (!m) throw new Error(`not a Go coverprofile line: ${JSON.stringify(raw)}`);
    const position = m[1]!;
    const count = Number(m[8]);
    const seen = blocks.get(position);
    if (seen) {
      // set mode: 0/1 flags, OR them; count/atomic: executions add up (as gocovmerge does).
      seen.count = mode === "set" ? Math.max(seen.count, count) : seen.count + count;
      continue;
    }
    blocks.set(position, { file: stripModule(m[2]!, options.modulePath), startLine: Number(m[3]), endLine: Number(m[5]), statements: Number(m[7]), count });
  }
  const byFile = new Map<string, Block[]>();
  for (const block of blocks.values()) byFile.set(block.file, [...(byFile.get(block.file) ?? []), block]);
  const files: FileCoverage[] = [...byFile].map(([path, fileBlocks]) => ({
    path,
    covered: fileBlocks.reduce((n, b) => n + (b.count > 0 ? b.statements : 0), 0),
    total: fileBlocks.reduce((n, b) => n + b.statements, 0),
    lines: lineHits(fileBlocks),
  }));
  return summarizeFiles(files);
}

/**
 * Per-line hits for Cobertura: every line a block spans gets the block's
 * count; where blocks share a line (one ends where the next starts), the
 * highest count wins, so a line runs if any of its code ran.
 */
function lineHits(blocks: Block[]): LineHits[] {
  const hits = new Map<number, number>();
  for (const b of blocks) {
    if (b.statements === 0) continue;
    for (let line = b.startLine; line <= b.endLine; line++) hits.set(line, Math.max(hits.get(line) ?? 0, b.count));
  }
  return [...hits].sort((a, b) => a[0] - b[0]).map(([number, count]) => ({ number, hits: count }));
}

function stripModule(file: string, modulePath: string | undefined): string {
  return modulePath && file.startsWith(`${modulePath}/`) ? file.slice(modulePath.length + 1) : file;
}
