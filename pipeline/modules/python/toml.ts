/**
 * A TOML 1.0 reader for what the pipeline reads of pyproject.toml: tables,
 * arrays of tables, dotted and quoted keys, strings of the four kinds, arrays
 * and inline tables. Numbers, booleans and dates are kept as their text (the
 * pipeline reads none). No runtime dependency may be added to the module, so
 * it is small and ours. A malformed file throws a TomlError naming its line.
 */

export type TomlValue = string | TomlValue[] | TomlTable;
export interface TomlTable {
  [key: string]: TomlValue;
}

export class TomlError extends Error {
  override readonly name = "TomlError";
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
  }
}

const BARE_KEY = /[A-Za-z0-9_-]/;
const ESCAPES: Record<string, string> = { b: "\b", t: "\t", n: "\n", f: "\f", r: "\r", '"': '"', "\\": "\\" };

export function parseToml(text: string): TomlTable {
  return new Reader(text.replace(/\r\n/g, "\n")).document();
}

class Reader {
  private at = 0;
  constructor(private readonly text: string) {}

  document(): TomlTable {
    const root: TomlTable = {};
    let table = root;
    for (;;) {
      this.skipBlank(true);
      if (this.at >= this.text.length) return root;
      if (this.peek() === "[") {
        const many = this.text.startsWith("[[", this.at);
        this.at += many ? 2 : 1;
        const path = this.key("]");
        this.expect(many ? "]]" : "]");
        table = many ? this.appendTable(root, path) : this.tableAt(root, path);
      } else {
        this.pair(table);
      }
      this.endOfLine();
    }
  }

  private pair(table: TomlTable): void {
    const path = this.key("=");
    this.expect("=");
    const value = this.value();
    const parent = this.tableAt(table, path.slice(0, -1), true);
    const last = path[path.length - 1]!;
    if (last in parent) this.fail(`key "${path.join(".")}" is defined twice`);
    parent[last] = value;
  }

  /** A dotted key up to `end`: `a."b.c".d` is ["a", "b.c", "d"]. */
  private key(end: string): string[] {
    const parts: string[] = [];
    for (;;) {
      this.skipSpaces();
      const c = this.peek();
      if (c === '"' || c === "'") parts.push(this.string());
      else {
        const start = this.at;
        while (this.at < this.text.length && BARE_KEY.test(this.peek())) this.at++;
        if (start === this.at) this.fail(`expected a key, found ${this.describe()}`);
        parts.push(this.text.slice(start, this.at));
      }
      this.skipSpaces();
      if (this.peek() !== ".") break;
      this.at++;
    }
    if (!this.text.startsWith(end, this.at)) this.fail(`expected "${end}" after the key "${parts.join(".")}", found ${this.describe()}`);
    return parts;
  }

  private value(): TomlValue {
    this.skipSpaces();
    const c = this.peek();
    if (c === '"' || c === "'") return this.string();
    if (c === "[") return this.array();
    if (c === "{") return this.inlineTable();
    // Numbers, booleans, dates: their text, up to what ends a value.
    const match = /^[\w+.:-]+(?: \d{2}:[\w+.:-]*)?/.exec(this.text.slice(this.at));
    if (!match) this.fail(`expected a value, found ${this.describe()}`);
    this.at += match[0].length;
    return match[0];
  }

  private array(): TomlValue[] {
    this.at++;
    const items: TomlValue[] = [];
    for (;;) {
      this.skipBlank(true);
      if (this.peek() === "]") break;
      items.push(this.value());
      this.skipBlank(true);
      if (this.peek() === ",") this.at++;
      else if (this.peek() !== "]") this.fail(`expected "," or "]" in an array, found ${this.describe()}`);
    }
    this.at++;
    return items;
  }

  private inlineTable(): TomlTable {
    this.at++;
    const table: TomlTable = {};
    this.skipSpaces();
    if (this.peek() === "}") {
      this.at++;
      return table;
    }
    for (;;) {
      this.pair(table);
      this.skipSpaces();
      const c = this.peek();
      this.at++;
      if (c === "}") return table;
      if (c !== ",") this.fail(`expected "," or "}" in an inline table, found ${c ? JSON.stringify(c) : "the end of the file"}`);
    }
  }

  private string(): string {
    const quote = this.peek();
    const multi = this.text.startsWith(quote.repeat(3), this.at);
    const delimiter = multi ? quote.repeat(3) : quote;
    this.at += delimiter.length;
    // A newline right after the opening delimiter is not part of the string.
    if (multi && this.peek() === "\n") this.at++;
    let out = "";
    for (;;) {
      if (this.at >= this.text.length) this.fail("unterminated string");
      // Up to two quotes may end a multi-line string's content: """a"""" is `a"`.
      if (this.text.startsWith(delimiter, this.at) && !(multi && this.text.startsWith(delimiter + quote, this.at))) {
        this.at += delimiter.length;
        return out;
      }
      if (this.peek() === "\n" && !multi) this.fail("unterminated string (a newline in a single-line string)");
      const c = this.text[this.at++]!;
      if (c !== "\\" || quote === "'") out += c;
      else out += this.escape(multi);
    }
  }

  private escape(multi: boolean): string {
    const c = this.text[this.at++] ?? "";
    if (c in ESCAPES) return ESCAPES[c]!;
    if (c === "u" || c === "U") {
      const hex = this.text.slice(this.at, this.at + (c === "u" ? 4 : 8));
      if (!/^[0-9A-Fa-f]+$/.test(hex) || hex.length !== (c === "u" ? 4 : 8)) this.fail(`bad unicode escape \\${c}${hex}`);
      this.at += hex.length;
      return String.fromCodePoint(parseInt(hex, 16));
    }
    // A line-ending backslash joins the next non-blank text.
    if (multi && /[ \t\n]/.test(c)) {
      this.at--;
      while (/[ \t\n]/.test(this.peek())) this.at++;
      return "";
    }
    return this.fail(`unknown escape \\${c}`);
  }

  /** The table at `path` under `from`, created as needed; through an array of tables, its last element. */
  private tableAt(from: TomlTable, path: readonly string[], dotted = false): TomlTable {
    let table = from;
    for (const part of path) {
      let next = table[part];
      if (next === undefined) table[part] = next = {};
      if (Array.isArray(next) && !dotted) next = next[next.length - 1];
      if (next === undefined || typeof next === "string" || Array.isArray(next)) this.fail(`"${path.join(".")}" is not a table`);
      table = next;
    }
    return table;
  }

  private appendTable(root: TomlTable, path: readonly string[]): TomlTable {
    const parent = this.tableAt(root, path.slice(0, -1));
    const last = path[path.length - 1]!;
    const list = (parent[last] ??= []);
    if (!Array.isArray(list)) this.fail(`"${path.join(".")}" is not an array of tables`);
    const table: TomlTable = {};
    list.push(table);
    return table;
  }

  private endOfLine(): void {
    this.skipSpaces();
    if (this.peek() === "#") this.skipComment();
    if (this.at < this.text.length && this.peek() !== "\n") this.fail(`expected the end of the line, found ${this.describe()}`);
  }

  private skipSpaces(): void {
    while (this.peek() === " " || this.peek() === "\t") this.at++;
  }

  /** Spaces, comments and (when `newlines`) line breaks. */
  private skipBlank(newlines: boolean): void {
    for (;;) {
      this.skipSpaces();
      if (this.peek() === "#") this.skipComment();
      else if (newlines && this.peek() === "\n") this.at++;
      else return;
    }
  }

  private skipComment(): void {
    while (this.at < this.text.length && this.peek() !== "\n") this.at++;
  }

  private expect(token: string): void {
    this.skipSpaces();
    if (!this.text.startsWith(token, this.at)) this.fail(`expected "${token}", found ${this.describe()}`);
    this.at += token.length;
  }

  private peek(): string {
    return this.text[this.at] ?? "";
  }

  private describe(): string {
    const rest = this.text.slice(this.at).split("\n")[0]!;
    return rest === "" ? "the end of the line" : JSON.stringify(rest.slice(0, 20));
  }

  private fail(reason: string): never {
    throw new TomlError(this.text.slice(0, this.at).split("\n").length, reason);
  }
}

/** The value at a dotted path of tables, undefined when any part is missing. */
export function tomlGet(table: TomlTable, ...path: string[]): TomlValue | undefined {
  let value: TomlValue | undefined = table;
  for (const part of path) {
    if (value === undefined || typeof value === "string" || Array.isArray(value)) return undefined;
    value = value[part];
  }
  return value;
}
