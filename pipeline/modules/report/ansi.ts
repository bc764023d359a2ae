// ANSI colour and cursor codes, as test runners print them.
// eslint-disable-next-line no-control-regex -- matching the ESC control character is the point
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

/** Removes ANSI escape codes, so reports and summaries show plain text. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}
