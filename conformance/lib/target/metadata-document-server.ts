// The suite's client ID metadata document host: an HTTPS server on 127.0.0.1 with its own per-run CA, serving
// whatever the checks publish (a right document, a wrong client_id, a redirect, an oversize or slow answer, a JWKS…)
// under one test host name, and recording every request, so "the target did not fetch it" is observable. Checks run
// in Playwright workers, so they publish and read the log through a loopback control server, like the mock IdP's.
//
// The target reaches it by name: documents live at https://<host>/<path> with a reserved `.test` host name (RFC 6761
// §6.2: never resolvable on the Internet), which the target must map to this server's loopback address and port and
// trust the CA for (the reference proxy: PROXY_DANGEROUSLY_ALLOW_CIMD_HOSTS and PROXY_CIMD_CA_FILE). Probes are extra
// TLS listeners on 127.0.0.1 that only count connections: the SSRF checks point a client_id at one, and any connection
// means the target tried to fetch from loopback.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestCertificates, type TestCertificates } from './test-certificates.ts';

export const DEFAULT_CIMD_HOST = 'cimd.conformance.test';

/** What one published path answers. */
export interface PublishedResponse {
  /** Default 200. */
  status?: number;
  /** Default `content-type: application/json` (and `cache-control: no-store`). */
  headers?: Record<string, string>;
  /** The body as sent; `json` is serialised instead when given. */
  body?: string;
  json?: unknown;
  /** Never answer (the connection stays open until the server closes): a document that does not arrive. */
  hang?: boolean;
}

/** One request the server received. */
export interface DocumentHit {
  path: string;
  /** The Host header the client sent. */
  host: string;
  at: number;
}

/** How a target learns where the documents are; also the environment a target command gets. */
export interface MetadataDocumentHostInfo {
  /** The host name in document URLs. */
  host: string;
  /** `127.0.0.1:PORT`: where that name must be mapped. */
  address: string;
  /** PEM file of the CA to trust for that name. */
  caFile: string;
  /** Loopback control server for the workers. */
  controlUrl: string;
}

export class MetadataDocumentServer {
  readonly hits: DocumentHit[] = [];
  private readonly documents = new Map<string, PublishedResponse>();
  private readonly probes = new Map<number, { server: HttpsServer; connections: number }>();
  private readonly sockets = new Set<Socket>();

  private constructor(
    readonly host: string,
    private readonly certificates: TestCertificates,
    private readonly dir: string,
    private readonly https: HttpsServer,
    private readonly control: Server,
  ) {}

  static async start(options: { host?: string } = {}): Promise<MetadataDocumentServer> {
    const host = options.host ?? DEFAULT_CIMD_HOST;
    const certificates = createTestCertificates({ dnsNames: [host, 'localhost'], ipAddresses: ['127.0.0.1', '::1'] });
    const dir = mkdtempSync(join(tmpdir(), 'conformance-cimd-'));
    writeFileSync(join(dir, 'ca.pem'), certificates.caPem);
    const holder: { self?: MetadataDocumentServer } = {};
    const https = createHttpsServer({ cert: certificates.certPem, key: certificates.keyPem }, (req, res) =>
      holder.self?.serve(req, res),
    );
    const control = createHttpServer((req, res) => void holder.self?.controlRequest(req, res));
    const self = new MetadataDocumentServer(host, certificates, dir, https, control);
    holder.self = self;
    https.on('connection', (socket: Socket) => self.track(socket));
    await listen(https);
    await listen(control);
    return self;
  }

  get port(): number {
    return portOf(this.https);
  }

  get info(): MetadataDocumentHostInfo {
    return {
      host: this.host,
      address: `127.0.0.1:${this.port}`,
      caFile: join(this.dir, 'ca.pem'),
      controlUrl: `http://127.0.0.1:${portOf(this.control)}`,
    };
  }

  /** The environment a target command gets (documented in conformance/README.md). */
  get env(): Record<string, string> {
    const info = this.info;
    return {
      CONFORMANCE_CIMD_HOST: info.host,
      CONFORMANCE_CIMD_ADDRESS: info.address,
      CONFORMANCE_CIMD_CA_FILE: info.caFile,
    };
  }

  get caPem(): string {
    return this.certificates.caPem;
  }

  /** `https://<host><path>`: the URL a document published at `path` has. */
  url(path: string): string {
    return `https://${this.host}${path}`;
  }

  publish(path: string, response: PublishedResponse): void {
    if (!path.startsWith('/')) throw new Error(`a document path starts with "/": ${path}`);
    this.documents.set(path, response);
  }

  /** Opens a probe listener on 127.0.0.1 and returns its port. */
  async openProbe(): Promise<number> {
    const entry = { server: undefined as unknown as HttpsServer, connections: 0 };
    entry.server = createHttpsServer({ cert: this.certificates.certPem, key: this.certificates.keyPem }, (_req, res) =>
      res.writeHead(404).end(),
    );
    entry.server.on('connection', (socket: Socket) => {
      entry.connections += 1;
      this.track(socket);
    });
    await listen(entry.server);
    const port = portOf(entry.server);
    this.probes.set(port, entry);
    return port;
  }

  probeConnections(port: number): number {
    return this.probes.get(port)?.connections ?? 0;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    const servers = [this.https, this.control, ...[...this.probes.values()].map((p) => p.server)];
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    rmSync(this.dir, { recursive: true, force: true });
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }

  private serve(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    this.hits.push({ path, host: req.headers.host ?? '', at: Date.now() });
    const published = this.documents.get(path);
    if (!published) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not published');
      return;
    }
    if (published.hang) return;
    const body = published.json !== undefined ? JSON.stringify(published.json) : (published.body ?? '');
    res
      .writeHead(published.status ?? 200, {
        'content-type': 'application/json',
        'cache-control': 'no-store',
        ...(published.headers ?? {}),
      })
      .end(body);
  }

  /** POST /documents {path, response}; GET /hits?prefix=; POST /probes → {port}; GET /probes/<port> → {connections}. */
  private async controlRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const reply = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    try {
      if (req.method === 'POST' && url.pathname === '/documents') {
        const { path, response } = JSON.parse(await readBody(req)) as { path: string; response: PublishedResponse };
        this.publish(path, response);
        return reply(200, { url: this.url(path) });
      }
      if (req.method === 'GET' && url.pathname === '/hits') {
        const prefix = url.searchParams.get('prefix') ?? '/';
        return reply(
          200,
          this.hits.filter((h) => h.path.startsWith(prefix)),
        );
      }
      if (req.method === 'POST' && url.pathname === '/probes') return reply(200, { port: await this.openProbe() });
      const probe = /^\/probes\/(\d+)$/.exec(url.pathname);
      if (req.method === 'GET' && probe) return reply(200, { connections: this.probeConnections(Number(probe[1])) });
      return reply(404, { error: 'unknown control request' });
    } catch (error) {
      return reply(400, { error: (error as Error).message });
    }
  }
}

function listen(server: Server | HttpsServer): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
}

function portOf(server: Server | HttpsServer): number {
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('server is not listening');
  return address.port;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      text += chunk;
      if (text.length > 2_000_000) req.destroy(new Error('control request too large'));
    });
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}
