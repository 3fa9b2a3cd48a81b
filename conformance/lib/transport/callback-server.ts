// The test client's redirect_uri: a loopback listener that records every hit (so "the client received nothing" is
// testable, REDIR-04) and answers 200 "done".
import { createServer, type Server } from 'node:http';

export interface CallbackHit {
  path: string;
  /** Decoded query parameters; repeated names keep every value. */
  params: URLSearchParams;
}

export class CallbackServer {
  readonly hits: CallbackHit[] = [];
  private waiters: (() => void)[] = [];

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(): Promise<CallbackServer> {
    const holder: { self?: CallbackServer } = {};
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      holder.self?.record({ path: url.pathname, params: url.searchParams });
      res.writeHead(200, { 'content-type': 'text/plain', connection: 'close' }).end('done');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('callback server has no port');
    holder.self = new CallbackServer(server, address.port);
    return holder.self;
  }

  /** `http://127.0.0.1:<port><path>` */
  uri(path = '/callback'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  private record(hit: CallbackHit): void {
    this.hits.push(hit);
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** The first hit at index >= `from`, waiting up to `timeoutMs`; undefined on timeout. */
  /** The first hit from index `from` on that `accept` takes (another flow of the worker may share the listener). */
  async waitForHit(
    from: number,
    timeoutMs: number,
    accept: (hit: CallbackHit) => boolean = () => true,
  ): Promise<CallbackHit | undefined> {
    const deadline = Date.now() + timeoutMs;
    const found = (): CallbackHit | undefined => this.hits.slice(from).find(accept);
    while (!found()) {
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return found();
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
