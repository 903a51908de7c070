// A daemon stand-in run as a child process, so tests can SIGKILL it: it publishes a stream of
// alerts and student states (mode "produce") or only drains what its queue holds ("drain"), and
// prints its stats as one JSON line every 50 ms. Config comes from CLASSPULSE_* variables.
import { loadConfig } from '../../../src/config/load.js';
import { signals, testPublisher } from './support.js';

const { config } = loadConfig({ file: '/dev/null' });
const publisher = testPublisher(config);
await publisher.start();
publisher.setCamera('open');

let blinks = 0;
if (process.env.CHILD_MODE === 'produce') {
  setInterval(() => {
    blinks += 1;
    const now = Date.now();
    publisher.publish(
      { type: 'alert', tMs: now, alert: 'tired', track: `s${blinks % 7}`, reason: `n=${blinks}` },
      now,
    );
    publisher.publish(
      { type: 'state', tMs: now, track: `s${blinks % 5}`, signals: signals({ blinks }) },
      now,
    );
  }, 5);
}
setInterval(() => process.stdout.write(`${JSON.stringify(publisher.stats())}\n`), 50);
process.on('SIGTERM', () => {
  void publisher.stop('SIGTERM').then(() => process.exit(0));
});
