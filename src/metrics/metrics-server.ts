// The /metrics endpoint on node:http: GET /metrics answers the text exposition format, anything
// else 404 (405 for another method on /metrics). Bound to 127.0.0.1 unless configured otherwise:
// the figures say nothing about students, but there is no authentication on this port.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log/logger.js';
import type { MetricSet } from './metric-set.js';

export interface MetricsServerOptions {
  metrics: MetricSet;
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  logger: Logger;
}

/** Thrown when the port cannot be bound (in use, no permission): a configuration problem. */
export class MetricsListenError extends Error {
  override name = 'MetricsListenError';
}

export class MetricsServer {
  private readonly options: MetricsServerOptions;
  private server: Server | undefined;

  constructor(options: MetricsServerOptions) {
    this.options = options;
  }

  /** Listens; resolves with the scrape URL. */
  async start(): Promise<string> {
    const { host, port, logger } = this.options;
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        logger.warn({ err: (error as Error).message }, 'metrics scrape failed');
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error) =>
        reject(
          new MetricsListenError(`metrics: cannot listen on ${host}:${port}: ${error.message}`),
        ),
      );
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    const url = `http://${formatHost(host)}:${(server.address() as AddressInfo).port}/metrics`;
    logger.info({ url }, 'metrics endpoint listening');
    return url;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const body = await this.options.metrics.text();
    res.writeHead(200, { 'content-type': this.options.metrics.contentType });
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
