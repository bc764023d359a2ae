/**
 * What the pipeline knows of the commit it runs on: image labels and tags,
 * release notes and history scans read it from here. Built by read.ts from the
 * source's git data; `undefined` where the source is not a git checkout.
 */
export interface GitMetadata {
  /** Full commit SHA (40 hex). */
  sha: string;
  /** The first 12 hex of the SHA, as `sha-<short>` image tags use it. */
  shortSha: string;
  /** The checked-out branch, when HEAD is on one (CI: from its env when detached). */
  branch?: string;
  /** Tags pointing at the commit, sorted. */
  tags: string[];
  /** The commit time, ISO 8601 UTC: reproducible build times (OCI `created`, SOURCE_DATE_EPOCH). */
  commitTime: string;
  /** The `origin` remote as an https URL without credentials, when there is one. */
  remoteUrl?: string;
  /** The checkout is shallow (CI's default fetch depth): history ranges stop at its cut, and tags beyond it are missing. */
  shallow?: boolean;
}

/** One commit of a history range (release notes, secret scans over history). */
export interface GitCommit {
  sha: string;
  /** The first line of the message. */
  subject: string;
  /** The rest of the message (trailers such as BREAKING CHANGE: included). */
  body: string;
  /** The author's name. */
  author: string;
  authorEmail?: string;
  /** The committer time, ISO 8601 UTC. */
  time: string;
}
