// Load for a token endpoint's refresh grant with rotation: every connection carries its own refresh-token chain, each
// answer's refresh token being the one the next request on that connection must present. autocannon cannot carry a
// value from one answer to the next request of the same connection (its per-connection context is reset after every
// pass over the request list), and a round it ends mid-request would leave a chain with a token the server already
// rotated out; so this small loop sends the requests itself, one keep-alive socket per chain, and lets the requests in
// flight finish when the round's time is up.
import { Agent, request } from 'node:http';
import { percentile, type RoundResult } from './load.ts';

export interface RefreshChain {
  /** The refresh token the next request presents. */
  refreshToken: string;
  clientId: string;
}

/** The chains of one side (one per connection), kept across rounds so that every round continues them. */
export class RefreshChains {
  readonly #agents: Agent[];

  constructor(
    readonly tokenUrl: string,
    readonly chains: RefreshChain[],
  ) {
    this.#agents = chains.map(() => new Agent({ keepAlive: true, maxSockets: 1 }));
  }

  /** Runs every chain for `seconds`; any answer other than 200 with a new refresh token fails the round. */
  async round(seconds: number): Promise<RoundResult> {
    const latencies: number[] = [];
    const started = performance.now();
    const deadline = started + seconds * 1000;
    let failure: string | undefined;
    await Promise.all(
      this.chains.map(async (chain, index) => {
        const agent = this.#agents[index]!;
        while (failure === undefined && performance.now() < deadline) {
          const sent = performance.now();
          try {
            chain.refreshToken = await refresh(this.tokenUrl, agent, chain);
          } catch (error) {
            failure ??= error instanceof Error ? error.message : String(error);
            return;
          }
          latencies.push(performance.now() - sent);
        }
      }),
    );
    const duration = (performance.now() - started) / 1000;
    if (failure !== undefined) {
      return { rps: 0, p50: 0, p99: 0, requests: latencies.length + 1, failures: 1, failureKinds: failure };
    }
    return {
      rps: latencies.length / duration,
      // Whole milliseconds, as autocannon reports them.
      p50: Math.round(percentile(latencies, 50)),
      p99: Math.round(percentile(latencies, 99)),
      requests: latencies.length,
      failures: 0,
    };
  }

  close(): void {
    for (const agent of this.#agents) agent.destroy();
  }
}

/** One refresh_token grant request (a public client: its client_id, no secret); resolves with the new token. */
function refresh(tokenUrl: string, agent: Agent, chain: RefreshChain): Promise<string> {
  const body = new URLSearchParams({
    grant_type: 'refresh_token',
    refresh_token: chain.refreshToken,
    client_id: chain.clientId,
  }).toString();
  return new Promise((resolve, reject) => {
    const req = request(
      tokenUrl,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
          accept: 'application/json',
        },
        timeout: 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) {
            reject(new Error(`${tokenUrl} answered ${res.statusCode}: ${text.slice(0, 300)}`));
            return;
          }
          const next = (JSON.parse(text) as { refresh_token?: string }).refresh_token;
          if (next === undefined || next === chain.refreshToken) {
            reject(new Error(`${tokenUrl} did not rotate the refresh token: ${text.slice(0, 300)}`));
            return;
          }
          resolve(next);
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${tokenUrl}: no answer within 10 s`)));
    req.on('error', reject);
    req.end(body);
  });
}
