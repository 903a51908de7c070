// A one-line progress bar for enrolling a folder; on a non-terminal (logs, tests) one line per step.
export interface ProgressOut {
  write(text: string): unknown;
  isTTY?: boolean;
}

export class ProgressBar {
  private readonly widthChars = 24;

  constructor(private readonly options: { out: ProgressOut; total: number }) {}

  step(done: number, label: string): void {
    const { out, total } = this.options;
    const filled = total > 0 ? Math.round((done / total) * this.widthChars) : this.widthChars;
    const bar = `[${'#'.repeat(filled)}${'-'.repeat(this.widthChars - filled)}] ${done}/${total} ${label}`;
    if (out.isTTY) out.write(`\r\x1b[K${bar}`);
    else out.write(`${bar}\n`);
  }

  end(): void {
    if (this.options.out.isTTY) this.options.out.write('\n');
  }
}
