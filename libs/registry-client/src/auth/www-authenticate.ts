/** One challenge of a `WWW-Authenticate` header; scheme and parameter names lower-cased. */
export interface AuthChallenge {
  scheme: string;
  params: Record<string, string>;
}

const SEPARATORS = ' \t,=';

/**
 * Parses RFC 9110 §11.6.1 challenges: `Bearer realm="…",service="…",scope="repository:a:pull,push"`,
 * several per header (`Basic realm="x", Bearer realm="y"`), quoted values with commas and
 * backslash escapes, unquoted token values. A parameter name is a token followed by `=`;
 * any other token starts a new challenge.
 */
export function parseWwwAuthenticate(header: string): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  const scanner = new Scanner(header);
  while (scanner.skip(' \t,')) {
    const token = scanner.token();
    if (!token) {
      // A stray '=' or a quoted string with no name: step over it.
      if (scanner.peek() === '"') scanner.quoted();
      else scanner.advance();
      continue;
    }
    scanner.skip(' \t');
    const current = challenges[challenges.length - 1];
    if (scanner.peek() === '=' && current) {
      scanner.advance();
      scanner.skip(' \t');
      current.params[token.toLowerCase()] =
        scanner.peek() === '"' ? scanner.quoted() : scanner.token();
    } else {
      challenges.push({ scheme: token.toLowerCase(), params: {} });
    }
  }
  return challenges;
}

class Scanner {
  private at = 0;

  constructor(private readonly text: string) {}

  peek(): string | undefined {
    return this.text[this.at];
  }

  advance(): void {
    this.at += 1;
  }

  /** Skips characters in `chars`; false at the end of the text. */
  skip(chars: string): boolean {
    while (this.at < this.text.length && chars.includes(this.text[this.at])) this.at += 1;
    return this.at < this.text.length;
  }

  token(): string {
    const start = this.at;
    while (
      this.at < this.text.length &&
      !SEPARATORS.includes(this.text[this.at]) &&
      this.text[this.at] !== '"'
    )
      this.at += 1;
    return this.text.slice(start, this.at);
  }

  /** A quoted-string, unescaped; an unterminated one runs to the end. */
  quoted(): string {
    let value = '';
    this.at += 1;
    while (this.at < this.text.length && this.text[this.at] !== '"') {
      if (this.text[this.at] === '\\' && this.at + 1 < this.text.length) this.at += 1;
      value += this.text[this.at];
      this.at += 1;
    }
    this.at += 1;
    return value;
  }
}
