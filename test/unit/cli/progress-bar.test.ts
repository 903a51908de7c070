import { describe, expect, it } from 'vitest';
import { ProgressBar } from '../../../src/cli/progress-bar.js';

class Out {
  text = '';
  constructor(readonly isTTY: boolean) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

describe('ProgressBar', () => {
  it('writes one plain line per step to a pipe, named, and nothing per tick', () => {
    const out = new Out(false);
    const bar = new ProgressBar({ out, total: 4, name: 'bench', widthChars: 4 });
    bar.step('loading');
    bar.tick(2);
    bar.step('scene');
    bar.finish();
    expect(out.text).toBe('bench: [----] 0/4 loading\nbench: [##--] 2/4 scene\n');
  });

  it('counts one unit per advance and redraws in place on a terminal', () => {
    const out = new Out(true);
    const bar = new ProgressBar({ out, total: 2, widthChars: 2 });
    bar.advance('a.jpg');
    bar.advance('b.jpg');
    bar.finish();
    expect(out.text).toBe('\r\x1b[K[#-] 1/2 a.jpg\r\x1b[K[##] 2/2 b.jpg\n');
  });
});
