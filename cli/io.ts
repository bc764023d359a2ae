/** Where a command writes, and how it reports failure without throwing. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Set by an action to report failure without throwing (e.g. invalid config). */
  exitCode: number;
}
