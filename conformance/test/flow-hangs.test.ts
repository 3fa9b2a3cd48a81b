// The browser flow never waits forever on Playwright: a response whose full headers Chromium never delivers, and a
// page that will not close while a navigation is in flight, made whole checks hit their time limit after the flow
// had finished (the page showing the client's "done"). Both waits are bounded; these tests hand the flow a response
// and a page that never settle, and the fake clock moves past the bounds.
import type { Page, Response } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { closeQuietly, recordNavigation } from '../lib/browser/flow.ts';
import type { Navigation } from '../lib/browser/navigation.ts';

const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

describe('bounded waits of the browser flow', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('records a navigation with its provisional headers when the full headers never come', async () => {
    const response = {
      request: () => ({ method: () => 'GET' }),
      url: () => 'http://127.0.0.1:1/callback?code=x',
      status: () => 302,
      headersArray: () => never(),
      headers: () => ({ location: '/next', 'content-type': 'text/plain' }),
    } as unknown as Response;
    const navigations: Navigation[] = [];
    const recorded = recordNavigation(response, navigations, Date.now());
    await vi.advanceTimersByTimeAsync(10_000);
    await recorded;
    expect(navigations).toEqual([
      expect.objectContaining({
        status: 302,
        location: 'http://127.0.0.1:1/next',
        headersIncomplete: true,
        setCookies: [],
      }),
    ]);
  });

  it('gives up on a page that does not close', async () => {
    const page = {
      url: () => 'http://127.0.0.1:1/callback',
      waitForURL: () => never(),
      close: () => never(),
    } as unknown as Page;
    let done = false;
    const closing = closeQuietly(page, 'http://127.0.0.1:1').then(() => (done = true));
    await vi.advanceTimersByTimeAsync(10_000);
    await closing;
    expect(done).toBe(true);
  });
});
