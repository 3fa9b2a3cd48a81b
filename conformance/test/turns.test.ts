import { describe, expect, it } from 'vitest';
import { Turns } from '../lib/session/turns.ts';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('Turns', () => {
  it('runs one holder at a time, first come first served', async () => {
    const turns = new Turns();
    const log: string[] = [];
    const job = (name: string) =>
      turns.take(async () => {
        log.push(`${name} in`);
        await tick();
        log.push(`${name} out`);
      });
    await Promise.all([job('a'), job('b'), job('c')]);
    expect(log).toEqual(['a in', 'a out', 'b in', 'b out', 'c in', 'c out']);
  });

  it('work queued during a turn goes before a later comer', async () => {
    const turns = new Turns();
    const log: string[] = [];
    const check = turns.take(async () => {
      log.push('check 1');
      void turns.take(async () => void log.push('background'));
      await tick();
    });
    await check;
    await turns.take(async () => void log.push('check 2'));
    expect(log).toEqual(['check 1', 'background', 'check 2']);
  });

  it('a holder waiting outside its turn lets queued work run, then holds again', async () => {
    const turns = new Turns();
    const log: string[] = [];
    let later: Promise<void> | undefined;
    await turns.take(async () => {
      const background = turns.take(async () => {
        log.push('background');
        return 42;
      });
      expect(await turns.awaitOutside(background)).toBe(42);
      // Held again: a newcomer waits until this turn ends.
      later = turns.take(async () => void log.push('later'));
      await tick();
      log.push('holder again');
    });
    await later;
    expect(log).toEqual(['background', 'holder again', 'later']);
  });

  it('a failing turn hands on the turn', async () => {
    const turns = new Turns();
    await expect(turns.take(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(turns.take(async () => 'next')).resolves.toBe('next');
  });
});
