// The demo's in-process broker (aedes, MQTT 3.1.1 only) on 127.0.0.1 and a free port, so the demo
// runs without installing mosquitto. Production uses a real broker.
import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';

export class EmbeddedBroker {
  private readonly port: number;
  private broker: Aedes | undefined;
  private server: Server | undefined;

  /** `port` 0 (default) picks a free one. */
  constructor(options: { port?: number } = {}) {
    this.port = options.port ?? 0;
  }

  async start(): Promise<{ url: string }> {
    const broker = await Aedes.createBroker();
    const server = createServer(broker.handle);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.broker = broker;
    this.server = server;
    const address = server.address();
    if (address === null || typeof address === 'string')
      throw new Error('embedded broker: no TCP address');
    return { url: `mqtt://127.0.0.1:${address.port}` };
  }

  async stop(): Promise<void> {
    const { broker, server } = this;
    this.broker = undefined;
    this.server = undefined;
    // Closing aedes first drops its client sockets; the server would otherwise wait for them.
    if (broker) await new Promise<void>((resolve) => broker.close(() => resolve()));
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
