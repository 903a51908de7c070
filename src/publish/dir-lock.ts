// One daemon per state directory: two writers on one journal would interleave records and reuse
// seqs. The lock file holds the owner's pid; a lock left by a dead process (crash, SIGKILL) is
// taken over.
import { closeSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';

export class DirLock {
  private readonly path: string;
  private held = false;

  constructor(options: { path: string }) {
    this.path = options.path;
  }

  acquire(): void {
    try {
      const fd = openSync(this.path, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(readFileSync(this.path, 'utf8'), 10);
      if (Number.isInteger(owner) && isAlive(owner))
        throw new Error(
          `${this.path}: the MQTT queue is in use by process ${owner}; is another classpulse running with the same device.stateDir?`,
        );
      writeFileSync(this.path, `${process.pid}\n`, { mode: 0o600 });
    }
    this.held = true;
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    rmSync(this.path, { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
