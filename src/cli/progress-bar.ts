// The one progress bar of the CLI (enroll, bench): a line on stderr, redrawn in place on a
// terminal; on a pipe (logs, tests) a plain line per step and nothing per tick, so the output stays
// readable and stdout stays free for reports.

export interface ProgressOut {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgressOptions {
  /** Total units of work. */
  total: number;
  /** process.stderr unless set. */
  out?: ProgressOut;
  /** Prefix of the per-step lines written to a non-terminal, e.g. "bench". */
  name?: string;
  widthChars?: number;
}

export class ProgressBar {
  private done = 0;
  private label = '';
  private readonly out: ProgressOut;
  private readonly widthChars: number;

  constructor(private readonly options: ProgressOptions) {
    this.out = options.out ?? process.stderr;
    this.widthChars = options.widthChars ?? 24;
  }

  /** A named step begins (its own line on a non-terminal). */
  step(label: string): void {
    this.label = label;
    if (!this.out.isTTY) {
      const { name } = this.options;
      this.out.write(`${name ? `${name}: ` : ''}${this.text()}\n`);
    }
    this.draw();
  }

  /** `units` more are done, within the current step. */
  tick(units = 1): void {
    this.done = Math.min(this.options.total, this.done + units);
    this.draw();
  }

  /** One unit done and the next named (enroll: one photo per step). */
  advance(label: string): void {
    this.done = Math.min(this.options.total, this.done + 1);
    this.step(label);
  }

  finish(): void {
    if (this.out.isTTY) this.out.write('\n');
  }

  private text(): string {
    const { total } = this.options;
    const filled = total > 0 ? Math.round((this.done / total) * this.widthChars) : this.widthChars;
    const bar = `${'#'.repeat(filled)}${'-'.repeat(this.widthChars - filled)}`;
    return `[${bar}] ${this.done}/${total} ${this.label.slice(0, 60)}`;
  }

  private draw(): void {
    if (this.out.isTTY) this.out.write(`\r\x1b[K${this.text()}`);
  }
}
