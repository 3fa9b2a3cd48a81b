// A loopback redirect_uri for tests: records every hit (so "no redirect happened" is checkable) and answers 200.
import { listenOnLoopback } from './loopback-server.ts';

export interface CallbackListener {
  /** e.g. http://127.0.0.1:PORT/callback */
  url: string;
  hits: URL[];
  /** Resolves with the next hit's URL. */
  next(): Promise<URL>;
  close(): Promise<void>;
}

export async function startCallbackListener(): Promise<CallbackListener> {
  const hits: URL[] = [];
  let waiters: Array<(url: URL) => void> = [];
  const server = await listenOnLoopback((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    hits.push(url);
    const current = waiters;
    waiters = [];
    for (const resolve of current) resolve(url);
    res
      .writeHead(200, { 'content-type': 'text/html' })
      .end('<!doctype html><title>Done</title><p>You can close this window.</p>');
  });
  return {
    url: `${server.url}/callback`,
    hits,
    next: () => new Promise((resolve) => waiters.push(resolve)),
    close: server.close,
  };
}
