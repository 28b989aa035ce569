/**
 * Splits a byte/text stream into lines and parses each as JSON. The harness speaks one JSON object per line on
 * stdout; anything else (a stray log line) is handed to `onText` rather than dropped, so errors can quote it.
 */
export class JsonLineReader {
  private pending = '';

  constructor(
    private readonly onObject: (obj: Record<string, unknown>) => void,
    private readonly onText: (line: string) => void = () => {},
  ) {}

  push(chunk: string | Uint8Array): void {
    this.pending += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    let nl: number;
    while ((nl = this.pending.indexOf('\n')) >= 0) {
      const line = this.pending.slice(0, nl).replace(/\r$/, '');
      this.pending = this.pending.slice(nl + 1);
      this.line(line);
    }
  }

  /** Flushes a last line that had no newline (at stream end). */
  end(): void {
    if (this.pending.length > 0) {
      const line = this.pending;
      this.pending = '';
      this.line(line);
    }
  }

  private line(line: string): void {
    const trimmed = line.trim();
    if (trimmed === '') return;
    if (trimmed.startsWith('{')) {
      try {
        const value: unknown = JSON.parse(trimmed);
        if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
          this.onObject(value as Record<string, unknown>);
          return;
        }
      } catch {
        // not JSON after all: fall through to text
      }
    }
    this.onText(trimmed);
  }
}
