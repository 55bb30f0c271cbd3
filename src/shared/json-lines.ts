// A JSON reader that remembers on which line each value starts, so a file's bad field can be
// reported as "line 7, messages.en: …". JSON.parse gives the value; this walk gives the lines.

/** A JSON syntax error at a line. */
export class JsonLineError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

/** A parsed JSON document and the line each value starts on, by path (`messages.en`, `audience.tiers.0`). */
export interface JsonWithLines {
  value: unknown;
  /** The line of the deepest value on `path` that exists (1 when none). */
  lineOf(path: readonly PropertyKey[]): number;
}

/** Parses JSON text, keeping each value's line; a syntax error is a JsonLineError naming the line. */
export function parseJsonWithLines(text: string): JsonWithLines {
  const lines = new Map<string, number>();
  let i = 0;
  let line = 1;
  const fail = (what: string): never => {
    throw new JsonLineError(line, i >= text.length ? `unexpected end of file, expected ${what}` : `unexpected ${JSON.stringify(text[i])}, expected ${what}`);
  };
  const skip = () => {
    while (i < text.length && /\s/.test(text[i])) if (text[i++] === '\n') line++;
  };
  const expect = (ch: string) => {
    skip();
    if (text[i] !== ch) fail(`'${ch}'`);
    i++;
  };
  const str = (): string => {
    if (text[i] !== '"') fail('a string');
    const start = i++;
    while (i < text.length && text[i] !== '"' && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1;
    if (text[i] !== '"') fail('the end of the string');
    i++;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      return fail('a valid string');
    }
  };
  const walk = (path: string) => {
    skip();
    lines.set(path, line);
    const ch = text[i];
    if (ch === '{' || ch === '[') {
      const close = ch === '{' ? '}' : ']';
      i++;
      skip();
      if (text[i] === close) return void i++;
      for (let n = 0; ; n++) {
        skip();
        let key = String(n);
        if (ch === '{') {
          key = str();
          expect(':');
        }
        walk(path ? `${path}.${key}` : key);
        skip();
        if (text[i] === ',') i++;
        else if (text[i] === close) return void i++;
        else fail(`',' or '${close}'`);
      }
    }
    if (ch === '"') return void str();
    const m = /^(-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
    if (!m) fail('a value');
    i += m![0].length;
  };
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  walk('');
  skip();
  if (i < text.length) fail('the end of the file');
  return {
    value: JSON.parse(text.slice(text.charCodeAt(0) === 0xfeff ? 1 : 0)),
    lineOf(path) {
      for (let n = path.length; n >= 0; n--) {
        const found = lines.get(path.slice(0, n).map(String).join('.'));
        if (found !== undefined) return found;
      }
      return 1;
    },
  };
}
