/**
 * The last `limit` characters a child process printed. Startup errors quote it: the registry
 * explains a bad config or a busy port only on stderr.
 */
export class OutputTail {
  private text = '';

  constructor(private readonly limit = 16 * 1024) {}

  append(chunk: Buffer | string): void {
    this.text += chunk.toString();
    if (this.text.length > this.limit) this.text = this.text.slice(-this.limit);
  }

  toString(): string {
    return this.text;
  }
}
