/**
 * The bundled semgrep rules: written for this pipeline, registry-free (no
 * `p/...` pack, no login, no network), for what the three languages get
 * wrong most often and a pattern can show with few false positives. A
 * project adds its own in `.semgrep/`. Serialized as JSON, which semgrep
 * reads as the YAML it is.
 */

interface Rule {
  id: string;
  languages: string[];
  severity: "ERROR" | "WARNING" | "INFO";
  message: string;
  metadata: { cwe: string[]; category: "security"; confidence: "HIGH" | "MEDIUM" | "LOW"; references?: string[] };
  pattern?: string;
  patterns?: unknown[];
  "pattern-either"?: unknown[];
}

const SQL = "CWE-89: Improper Neutralization of Special Elements used in an SQL Command ('SQL Injection')";
const OS_COMMAND = "CWE-78: Improper Neutralization of Special Elements used in an OS Command ('OS Command Injection')";
const CODE_INJECTION = "CWE-95: Improper Neutralization of Directives in Dynamically Evaluated Code ('Eval Injection')";
const DESERIALIZATION = "CWE-502: Deserialization of Untrusted Data";
const TLS = "CWE-295: Improper Certificate Validation";

export const BUNDLED_SEMGREP_RULES: readonly Rule[] = [
  {
    id: "python-sql-built-from-strings",
    languages: ["python"],
    severity: "ERROR",
    message: "SQL built by string concatenation or formatting and passed to execute(): pass the values as query parameters instead",
    metadata: { cwe: [SQL], category: "security", confidence: "HIGH", references: ["https://peps.python.org/pep-0249/#paramstyle"] },
    patterns: [
      {
        "pattern-either": [
          { pattern: "$CUR.$EXEC($A + $B, ...)" },
          { pattern: '$CUR.$EXEC("..." % $X, ...)' },
          { pattern: '$CUR.$EXEC("...".format(...), ...)' },
          { pattern: '$CUR.$EXEC(f"...", ...)' },
        ],
      },
      { "pattern-not": '$CUR.$EXEC("..." + "...", ...)' },
      { "metavariable-regex": { metavariable: "$EXEC", regex: "^(execute|executemany|executescript|raw|text)$" } },
    ],
  },
  {
    id: "python-subprocess-shell-true",
    languages: ["python"],
    severity: "ERROR",
    message: "subprocess with shell=True runs its command through a shell: pass an argv list and drop shell=True",
    metadata: { cwe: [OS_COMMAND], category: "security", confidence: "HIGH" },
    patterns: [
      { pattern: "subprocess.$FUNC($CMD, ..., shell=True, ...)" },
      { "pattern-not": 'subprocess.$FUNC("...", ..., shell=True, ...)' },
    ],
  },
  {
    id: "python-os-system",
    languages: ["python"],
    severity: "ERROR",
    message: "os.system/os.popen run a shell command line: use subprocess.run with an argv list",
    metadata: { cwe: [OS_COMMAND], category: "security", confidence: "MEDIUM" },
    patterns: [{ "pattern-either": [{ pattern: "os.system($X)" }, { pattern: "os.popen($X, ...)" }] }, { "pattern-not": 'os.$F("...", ...)' }],
  },
  {
    id: "python-eval-exec",
    languages: ["python"],
    severity: "ERROR",
    message: "eval()/exec() of a value that is not a literal runs whatever code it holds",
    metadata: { cwe: [CODE_INJECTION], category: "security", confidence: "MEDIUM" },
    patterns: [{ "pattern-either": [{ pattern: "eval($X)" }, { pattern: "exec($X)" }] }, { "pattern-not": 'eval("...")' }, { "pattern-not": 'exec("...")' }],
  },
  {
    id: "python-unsafe-deserialization",
    languages: ["python"],
    severity: "WARNING",
    message: "pickle/marshal/yaml.load on untrusted data can run code: use json, or yaml.safe_load",
    metadata: { cwe: [DESERIALIZATION], category: "security", confidence: "MEDIUM" },
    "pattern-either": [
      { pattern: "pickle.loads(...)" },
      { pattern: "pickle.load(...)" },
      { pattern: "marshal.loads(...)" },
      { patterns: [{ pattern: "yaml.load(...)" }, { "pattern-not": "yaml.load(..., Loader=yaml.SafeLoader, ...)" }, { "pattern-not": "yaml.load(..., Loader=SafeLoader, ...)" }] },
    ],
  },
  {
    id: "python-tls-verify-disabled",
    languages: ["python"],
    severity: "WARNING",
    message: "TLS certificate verification disabled (verify=False): the peer is not authenticated",
    metadata: { cwe: [TLS], category: "security", confidence: "HIGH" },
    pattern: "requests.$M(..., verify=False, ...)",
  },
  {
    id: "go-sql-built-from-strings",
    languages: ["go"],
    severity: "ERROR",
    message: "SQL built by string concatenation or fmt.Sprintf and passed to a query: use placeholders ($1, ?) and pass the values as arguments",
    metadata: { cwe: [SQL], category: "security", confidence: "HIGH", references: ["https://go.dev/doc/database/sql-injection"] },
    patterns: [
      {
        "pattern-either": [
          { pattern: "$DB.$Q($A + $B, ...)" },
          { pattern: "$DB.$Q($CTX, $A + $B, ...)" },
          { pattern: "$DB.$Q(fmt.Sprintf(...), ...)" },
          { pattern: "$DB.$Q($CTX, fmt.Sprintf(...), ...)" },
        ],
      },
      { "pattern-not": '$DB.$Q("..." + "...", ...)' },
      { "metavariable-regex": { metavariable: "$Q", regex: "^(Query|QueryRow|Exec|Prepare|QueryContext|QueryRowContext|ExecContext|PrepareContext|Raw|Select|Get)$" } },
    ],
  },
  {
    id: "go-command-through-shell",
    languages: ["go"],
    severity: "ERROR",
    message: "exec.Command runs a shell command line built at run time: run the program with its arguments instead of sh -c",
    metadata: { cwe: [OS_COMMAND], category: "security", confidence: "MEDIUM" },
    patterns: [
      { "pattern-either": [{ pattern: 'exec.Command($SH, "-c", $X, ...)' }, { pattern: 'exec.CommandContext($CTX, $SH, "-c", $X, ...)' }] },
      { "metavariable-regex": { metavariable: "$SH", regex: '^"(/bin/|/usr/bin/)?(sh|bash|zsh|dash|ash)"$' } },
      { "pattern-not": 'exec.Command($SH, "-c", "...", ...)' },
      { "pattern-not": 'exec.CommandContext($CTX, $SH, "-c", "...", ...)' },
    ],
  },
  {
    id: "go-tls-insecure-skip-verify",
    languages: ["go"],
    severity: "ERROR",
    message: "tls.Config with InsecureSkipVerify: true accepts any certificate: the peer is not authenticated",
    metadata: { cwe: [TLS], category: "security", confidence: "HIGH" },
    pattern: "tls.Config{..., InsecureSkipVerify: true, ...}",
  },
  {
    id: "js-sql-built-from-strings",
    languages: ["javascript", "typescript"],
    severity: "ERROR",
    message: "SQL built by string concatenation or a template literal and passed to query(): use placeholders and pass the values as parameters",
    metadata: { cwe: [SQL], category: "security", confidence: "MEDIUM" },
    patterns: [
      { "pattern-either": [{ pattern: "$DB.$Q($A + $B, ...)" }, { pattern: "$DB.$Q(`...${$X}...`, ...)" }] },
      { "pattern-not": '$DB.$Q("..." + "...", ...)' },
      { "metavariable-regex": { metavariable: "$Q", regex: "^(query|execute|raw|exec|run|all|get|prepare|\\$queryRawUnsafe|\\$executeRawUnsafe)$" } },
    ],
  },
  {
    id: "js-child-process-shell",
    languages: ["javascript", "typescript"],
    severity: "ERROR",
    message: "child_process exec/execSync runs its command line through a shell: use execFile/spawn with an argv array",
    metadata: { cwe: [OS_COMMAND], category: "security", confidence: "MEDIUM" },
    patterns: [
      {
        "pattern-either": [
          { pattern: "$CP.exec($CMD, ...)" },
          { pattern: "$CP.execSync($CMD, ...)" },
          { pattern: "$CP.spawn($CMD, $ARGS, {..., shell: true, ...})" },
        ],
      },
      { "metavariable-regex": { metavariable: "$CP", regex: "^(child_process|childProcess|cp)$" } },
      { "pattern-not": '$CP.$F("...", ...)' },
    ],
  },
  {
    id: "js-eval",
    languages: ["javascript", "typescript"],
    severity: "ERROR",
    message: "eval()/new Function() of a value that is not a literal runs whatever code it holds",
    metadata: { cwe: [CODE_INJECTION], category: "security", confidence: "MEDIUM" },
    patterns: [{ "pattern-either": [{ pattern: "eval($X)" }, { pattern: "new Function(..., $X)" }] }, { "pattern-not": 'eval("...")' }, { "pattern-not": 'new Function(..., "...")' }],
  },
  {
    id: "js-tls-reject-unauthorized-off",
    languages: ["javascript", "typescript"],
    severity: "ERROR",
    message: "rejectUnauthorized: false (or NODE_TLS_REJECT_UNAUTHORIZED=0) accepts any certificate: the peer is not authenticated",
    metadata: { cwe: [TLS], category: "security", confidence: "HIGH" },
    "pattern-either": [{ pattern: "{..., rejectUnauthorized: false, ...}" }, { pattern: 'process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0"' }],
  },
];

/** The rules file semgrep reads (JSON is YAML). */
export function bundledRulesFile(): string {
  return `${JSON.stringify({ rules: BUNDLED_SEMGREP_RULES }, null, 2)}\n`;
}
