// Where the server's log lines go: a file descriptor (stderr by default), written synchronously, but once per
// event-loop turn rather than once per line. Every request ends with an access line, so one write system call per
// line is one more per request than forwarding it takes; pino's asynchronous destination instead hands each write to
// libuv's thread pool, a thread wake-up per write that cost more CPU than the write (measured in bench/HISTORY.md).
// Lines logged during one turn of the event loop leave together at its end (setImmediate), in order, and every line
// left is written when the process exits, so a line is late by at most the turn that logged it and lost only with a
// process that dies without exiting (SIGKILL, a native crash).
import { once } from 'node:events';
import pino, { type DestinationStream } from 'pino';

/** Lines are written at once, mid-turn, when this many characters are waiting: a turn never holds more. */
const MAX_PENDING = 64 * 1024;

export interface TurnBufferedDestination extends DestinationStream {
  write(line: string): void;
  /** Writes whatever is waiting, now. */
  flushSync(): void;
  /** Writes whatever is waiting and closes the file descriptor (not stdout's or stderr's). */
  end(): Promise<void>;
}

/** Every destination with lines that may wait: one exit listener writes them all. */
const live = new Set<() => void>();
let exitListener = false;

/** @param dest a file descriptor (default: stderr) or a file path, opened for appending. */
export function turnBufferedDestination(dest: number | string = 2): TurnBufferedDestination {
  // SonicBoom in its synchronous mode does the writing: partial writes, EAGAIN on a full pipe, reopening.
  const sink = pino.destination({ dest, sync: true, append: true, mkdir: true });
  let pending = '';
  let scheduled = false;
  const flushSync = (): void => {
    scheduled = false;
    if (pending === '') return;
    const lines = pending;
    pending = '';
    sink.write(lines);
  };
  live.add(flushSync);
  if (!exitListener) {
    exitListener = true;
    process.on('exit', () => {
      for (const flush of live) flush();
    });
  }
  return {
    write(line: string): void {
      pending += line;
      if (pending.length >= MAX_PENDING) flushSync();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flushSync);
      }
    },
    flushSync,
    async end(): Promise<void> {
      flushSync();
      live.delete(flushSync);
      if (typeof dest === 'number' && dest <= 2) return;
      const closed = once(sink, 'close');
      sink.end();
      await closed;
    },
  };
}
