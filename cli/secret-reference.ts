/**
 * A `dagger call` secret reference (env://NAME, file://path, cmd://command):
 * the engine reads the secret itself, so its value is never on a command line
 * or in a plan.
 */
const SECRET_REFERENCE = /^(env|file|cmd):\/\/./;

export function isSecretReference(value: string): boolean {
  return SECRET_REFERENCE.test(value);
}

/**
 * The message for a literal where a reference belongs, naming the flag and
 * the corrected flag; it never repeats the value given.
 */
export function notAReferenceMessage(flag: string, fixed: string): string {
  return (
    `${flag} takes a secret reference (env://NAME, file://path or cmd://command), never the secret itself.\n` +
    `  Fix: put the secret in an environment variable or a file and pass ${fixed} (or file://path).`
  );
}

/** A reference as the plan may show it: a cmd:// command line can hold the secret itself, so only its scheme is kept. */
export function shownReference(reference: string): string {
  return reference.replace(/^cmd:\/\/.*/s, "cmd://…");
}
