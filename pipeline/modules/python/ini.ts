/**
 * The sections and values of an INI file as Python's configparser reads
 * setup.cfg, tox.ini and .flake8: `[section]`, `key = value` or `key: value`,
 * indented lines continuing the value before them, whole-line `#`/`;`
 * comments. Keys are lower-cased, as configparser does.
 */
export type IniFile = Map<string, Map<string, string>>;

export function parseIni(text: string): IniFile {
  const sections: IniFile = new Map();
  let section: Map<string, string> | undefined;
  let key: string | undefined;
  for (const raw of text.replace(/\r\n/g, "\n").split("\n")) {
    if (/^\s*[#;]/.test(raw) || raw.trim() === "") continue;
    const header = /^\[([^\]]+)\]/.exec(raw);
    if (header) {
      const name = header[1]!.trim();
      section = sections.get(name) ?? new Map();
      sections.set(name, section);
      key = undefined;
    } else if (/^\s/.test(raw) && section && key !== undefined) {
      section.set(key, `${section.get(key)}\n${raw.trim()}`);
    } else if (section) {
      const pair = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(raw);
      if (!pair) continue;
      key = pair[1]!.trim().toLowerCase();
      section.set(key, pair[2]!.trim());
    }
  }
  return sections;
}

/** A multi-line value's lines, blank ones and ` #` comments dropped (tox strips those). */
export function iniLines(value: string | undefined): string[] {
  return (value ?? "")
    .split(/[\n]/)
    .map((line) => line.replace(/(^|\s)#.*$/, "").trim())
    .filter((line) => line !== "");
}
