// Reads a password: on a terminal without echo, asked twice; from a pipe, the first line.
import { createInterface } from 'node:readline';

/** The password, or undefined (after saying why on stderr) when none was given. */
export async function readPassword(prompt: string): Promise<string | undefined> {
  if (!process.stdin.isTTY) {
    const line = await firstLine();
    if (!line) process.stderr.write('classpulse: no password on stdin\n');
    return line || undefined;
  }
  const first = await promptHidden(prompt);
  const second = await promptHidden('again: ');
  if (first !== second) {
    process.stderr.write('classpulse: the two passwords differ\n');
    return undefined;
  }
  return first || undefined;
}

async function firstLine(): Promise<string> {
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    lines.close();
    return line;
  }
  return '';
}

function promptHidden(prompt: string): Promise<string> {
  process.stderr.write(prompt);
  const stdin = process.stdin;
  stdin.setRawMode(true);
  stdin.resume();
  let text = '';
  return new Promise((resolve) => {
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n' || char === '\u0004') {
          stdin.off('data', onData);
          stdin.setRawMode(false);
          stdin.pause();
          process.stderr.write('\n');
          resolve(text);
          return;
        }
        if (char === '\u0003') {
          stdin.setRawMode(false);
          process.exit(130);
        }
        if (char === '\u007f' || char === '\b') text = text.slice(0, -1);
        else text += char;
      }
    };
    stdin.on('data', onData);
  });
}
