// Every planted defect in conformance/mutants/ is caught by the checks its catalog entry names, and the unmutated
// proxy passes those same checks. Runs the mutant runner as `npm run test:mutants` would. About a hundred short suite
// runs: `npm test` runs the conformance project after the others so they do not compete for the two cores, and
// three runs at a time keep the cores busy while each run waits on its browser and processes to start.
import { describe, expect, it } from 'vitest';
import { runRunner } from '../mutants/job-pool.ts';

const runMutants = () => runRunner('conformance/mutants/run.ts', ['--concurrency', '3']);

describe('planted defects (conformance/mutants)', () => {
  it('catches every mutant of the reference proxy, and the unmutated proxy passes the same checks', async () => {
    const { code, output } = await runMutants();
    const score = /mutation score: (\d+)\/(\d+)/.exec(output);
    expect(score, output).not.toBeNull();
    console.log(`${score?.[0]} (${Math.round((100 * Number(score?.[1])) / Number(score?.[2]))}%)`); // shown in npm test
    expect(score?.[1], `not every mutant was caught:\n${output}`).toBe(score?.[2]);
    expect(Number(score?.[2])).toBeGreaterThanOrEqual(16);
    expect(code, output).toBe(0);
  }, 1_800_000);
});
