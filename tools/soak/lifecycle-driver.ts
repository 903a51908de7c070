// What `npm run soak -- --lifecycle` does to the running daemon, on a cycle of `periodS` seconds:
// a reload (camera settings, then tracking settings: both reload paths), a stop and a start a
// third of the way in, and an erase of the enrolled student (then a new enrolment) two thirds in;
// plus two broker restarts over the run. Commands go over MQTT like an operator's; their replies
// are counted. Every QoS1 message's seq is kept to count what a persistent subscriber lost.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import type { MqttClient } from 'mqtt';

export interface LifecycleDriverOptions {
  client: MqttClient;
  baseTopic: string;
  configFile: string;
  /** Runs `bin/classpulse <args>` with the daemon's environment; returns its exit code. */
  cli: (args: string[]) => number;
  /** An enrolment photo of the student in the clip. */
  photo: string;
  periodS: number;
  runS: number;
  restartBroker: () => Promise<void>;
  log: (line: string) => void;
}

export interface LifecycleCounts {
  reloads: number;
  stops: number;
  starts: number;
  erases: number;
  enrolments: number;
  brokerRestarts: number;
  repliesOk: number;
  repliesFailed: number;
}

type Step = 'reload' | 'stop-start' | 'erase' | 'broker';

export class LifecycleDriver {
  readonly counts: LifecycleCounts = {
    reloads: 0,
    stops: 0,
    starts: 0,
    erases: 0,
    enrolments: 0,
    brokerRestarts: 0,
    repliesOk: 0,
    repliesFailed: 0,
  };
  private readonly plan: Array<{ atS: number; step: Step }>;
  private next = 0;
  private reloadNo = 0;

  constructor(private readonly options: LifecycleDriverOptions) {
    const { periodS, runS } = options;
    const plan: Array<{ atS: number; step: Step }> = [];
    for (let t = periodS; t < runS - 30; t += periodS) {
      plan.push({ atS: t, step: 'reload' });
      plan.push({ atS: t + periodS / 3, step: 'stop-start' });
      plan.push({ atS: t + (2 * periodS) / 3, step: 'erase' });
    }
    plan.push({ atS: runS / 3 + 7, step: 'broker' }, { atS: (2 * runS) / 3 + 7, step: 'broker' });
    this.plan = plan.filter((p) => p.atS < runS - 30).sort((a, b) => a.atS - b.atS);
    options.client.on('message', (topic, payload) => {
      if (!topic.endsWith('/reply')) return;
      const reply = JSON.parse(payload.toString()) as { ok?: boolean };
      if (reply.ok) this.counts.repliesOk += 1;
      else this.counts.repliesFailed += 1;
    });
  }

  async start(): Promise<void> {
    await this.options.client.subscribeAsync(`${this.options.baseTopic}/cmd/+/reply`, { qos: 1 });
    this.enrol();
  }

  /** Runs every step due by `elapsedS`. */
  async tick(elapsedS: number): Promise<void> {
    while (this.next < this.plan.length && (this.plan[this.next]?.atS ?? Infinity) <= elapsedS) {
      const step = this.plan[this.next]?.step;
      this.next += 1;
      if (step) await this.run(step);
    }
  }

  private async run(step: Step): Promise<void> {
    const { log } = this.options;
    switch (step) {
      case 'reload': {
        this.reloadNo += 1;
        // Odd reloads change the camera (the trackers stay), even ones tracking (new trackers).
        writeFileSync(
          this.options.configFile,
          this.reloadNo % 2 === 1
            ? `camera:\n  fps: ${this.reloadNo % 4 === 1 ? 9 : 10}\n`
            : `tracking:\n  minIou: ${this.reloadNo % 4 === 2 ? 0.31 : 0.3}\n`,
        );
        await this.command('reload');
        this.counts.reloads += 1;
        log(`lifecycle: reload ${this.reloadNo}`);
        return;
      }
      case 'stop-start':
        await this.command('stop');
        this.counts.stops += 1;
        await new Promise((resolve) => setTimeout(resolve, 10_000));
        await this.command('start');
        this.counts.starts += 1;
        log('lifecycle: stop, 10 s, start');
        return;
      case 'erase':
        if (
          this.options.cli([
            'students',
            'erase',
            'soak-student',
            '--config',
            this.options.configFile,
          ]) === 0
        ) {
          this.counts.erases += 1;
        }
        this.enrol();
        log('lifecycle: erase and enrol again');
        return;
      case 'broker':
        await this.options.restartBroker();
        this.counts.brokerRestarts += 1;
        log('lifecycle: broker restarted');
        return;
    }
  }

  private enrol(): void {
    const code = this.options.cli([
      'enroll',
      '--id',
      'soak-student',
      this.options.photo,
      '--config',
      this.options.configFile,
    ]);
    if (code === 0) this.counts.enrolments += 1;
  }

  private async command(name: string): Promise<void> {
    await this.options.client.publishAsync(
      `${this.options.baseTopic}/cmd/${name}`,
      JSON.stringify({ id: `soak-${name}-${Date.now()}` }),
      { qos: 1 },
    );
  }
}

/** `bin/classpulse` with the given environment, synchronously (enrol, erase). */
export function cliRunner(bin: string, env: NodeJS.ProcessEnv): (args: string[]) => number {
  return (args) =>
    spawnSync(process.execPath, [bin, ...args], { env, stdio: 'ignore', timeout: 120_000 })
      .status ?? 1;
}
