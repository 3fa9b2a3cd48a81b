// Every conforming variant in conformance/variants/ (the reference proxy changed the way a specification allows) gets
// the verdicts its catalog entry expects: a false failure of the suite is caught here as a surviving mutant is in
// mutants.test.ts. Runs the variant runner as `npx tsx conformance/variants/run.ts` would.
import { describe, expect, it } from 'vitest';
import { runRunner } from '../mutants/job-pool.ts';
import { loadVariants } from '../variants/run.ts';

const runVariants = () => runRunner('conformance/variants/run.ts', ['--concurrency', '2']);

describe('conforming variants (conformance/variants)', () => {
  it('has a quoted allowance with a URL and an expectation for every variant', () => {
    const variants = loadVariants();
    expect(variants.length).toBeGreaterThanOrEqual(13);
    for (const v of variants) expect(Object.keys(v.expect).length, v.id).toBeGreaterThan(0);
  });

  it('gets every variant the verdicts the specifications allow', async () => {
    const { code, output } = await runVariants();
    const score = /false-failure score: (\d+)\/(\d+)/.exec(output);
    expect(score, output).not.toBeNull();
    console.log(score?.[0]); // shown in npm test's output, next to the mutation score
    expect(score?.[1], `false verdicts:\n${output}`).toBe('0');
    expect(code, output).toBe(0);
  }, 1_200_000);
});
