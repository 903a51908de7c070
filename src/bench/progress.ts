// A one-line progress bar on stderr (stdout is kept for the report / the JSON line). Redrawn in
// place on a terminal; on a pipe it prints a line per step change instead of escape codes.

export interface ProgressOptions {
  stream?: NodeJS.WriteStream;
  /** Total units of work across the whole run. */
  total: number;
  widthChars?: number;
}

export class ProgressBar {
  private done = 0;
  private label = '';
  private readonly stream: NodeJS.WriteStream;
  private readonly widthChars: number;

  constructor(private readonly options: ProgressOptions) {
    this.stream = options.stream ?? process.stderr;
    this.widthChars = options.widthChars ?? 30;
  }

  /** Starts a named step (printed as its own line when stderr is not a terminal). */
  step(label: string): void {
    this.label = label;
    if (!this.stream.isTTY) this.stream.write(`bench: ${label}\n`);
    this.draw();
  }

  tick(units = 1): void {
    this.done = Math.min(this.options.total, this.done + units);
    this.draw();
  }

  finish(): void {
    if (this.stream.isTTY) this.stream.write('\n');
  }

  private draw(): void {
    if (!this.stream.isTTY) return;
    const share = this.options.total > 0 ? this.done / this.options.total : 1;
    const filled = Math.round(share * this.widthChars);
    const bar = `${'#'.repeat(filled)}${'.'.repeat(this.widthChars - filled)}`;
    const pct = String(Math.round(share * 100)).padStart(3);
    this.stream.write(`\r[${bar}] ${pct}% ${this.label.slice(0, 40).padEnd(40)}`);
  }
}
