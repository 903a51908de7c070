// A process's Prometheus metrics: one prom-client Registry of its own (the library's global default
// registry is never touched), Node's process metrics (CPU, memory, event-loop delay, GC), and
// helpers for counters and gauges read from counters that already exist elsewhere when Prometheus
// scrapes, so nothing is counted twice. Free of daemon specifics: the hub uses it the same way.
import {
  type CollectFunction,
  Counter,
  collectDefaultMetrics,
  Gauge,
  Histogram,
  Registry,
} from 'prom-client';

/** Label values of one series (label name → value). */
type Labels = Record<string, string>;

/** What a read-on-scrape metric returns: one value, or one per label set. */
type Reading = number | Array<[Labels, number]>;

export interface ScrapedMetric {
  /** Prometheus name: snake_case, unit as a suffix, counters ending in _total. */
  name: string;
  help: string;
  labelNames?: string[];
  read: () => Reading;
}

/** Prometheus metric names: [a-zA-Z_:][a-zA-Z0-9_:]*, here lower-case snake_case only. */
const NAME = /^[a-z_][a-z0-9_]*$/;

export class MetricSet {
  readonly registry = new Registry();

  constructor(options: { processMetrics?: boolean } = {}) {
    // Process CPU and RSS, heap, GC and event-loop delay (nodejs_eventloop_lag_p50/p99_seconds…).
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** A counter whose value is read from an existing total at scrape time. */
  counter(metric: ScrapedMetric): void {
    checkName(metric.name, true);
    const read = metric.read;
    const collect: CollectFunction<Counter<string>> = function (this: Counter<string>) {
      // A counter only goes up; reset + inc sets it to the source's total (a source restarting
      // at 0 shows as a counter reset, which rate() handles).
      this.reset();
      for (const [labels, value] of series(read())) if (value > 0) this.inc(labels, value);
    };
    new Counter({
      name: metric.name,
      help: metric.help,
      labelNames: metric.labelNames ?? [],
      registers: [this.registry],
      collect,
    });
  }

  /** A gauge read at scrape time. */
  gauge(metric: ScrapedMetric): void {
    checkName(metric.name, false);
    const read = metric.read;
    const collect: CollectFunction<Gauge<string>> = function (this: Gauge<string>) {
      this.reset();
      for (const [labels, value] of series(read())) this.set(labels, value);
    };
    new Gauge({
      name: metric.name,
      help: metric.help,
      labelNames: metric.labelNames ?? [],
      registers: [this.registry],
      collect,
    });
  }

  /** A histogram the caller observes into (values in the unit its name ends with). */
  histogram(metric: {
    name: string;
    help: string;
    labelNames: string[];
    buckets: number[];
  }): Histogram<string> {
    checkName(metric.name, false);
    return new Histogram({ ...metric, registers: [this.registry] });
  }

  /** The text exposition format (what /metrics serves). */
  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

function series(reading: Reading): Array<[Labels, number]> {
  return typeof reading === 'number' ? [[{}, reading]] : reading;
}

function checkName(name: string, counter: boolean): void {
  if (!NAME.test(name)) throw new Error(`metric name "${name}" is not lower-case snake_case`);
  if (counter !== name.endsWith('_total'))
    throw new Error(
      counter
        ? `counter "${name}" must end in _total`
        : `"${name}" ends in _total but is not a counter`,
    );
}
