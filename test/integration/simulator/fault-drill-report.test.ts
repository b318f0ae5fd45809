/**
 * The simulator meets the fault drill (issue 13's "a failing server makes a failing report"):
 * an armed drill answers the simulator like any client of that connection, the simulator
 * retries as the IdP documents it, and a drill that outlasts the retries fails the report
 * with the step, what the IdP would conclude, and the fix. Real controller, real HTTP.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_RETRIES } from '../../../server/simulator/run';
import { type TestController, startController } from '../../support/controller';

describe('the simulator against an armed fault drill', () => {
  let t: TestController;
  afterEach(async () => t?.stop());

  it('retries two 429s with Retry-After: 0 and passes, counting the retries; the log marks the drilled answers', async () => {
    t = await startController();
    await t.controller.core.connections.setEnabled('okta', true);
    t.controller.core.faultDrills.arm({ connection: 'okta', kind: '429', count: 2, retryAfterSeconds: 0 });
    const report = await t.controller.simulate({ connection: 'okta', scenario: 'test-credentials' });
    expect(report.state).toBe('passed');
    expect(report.steps[0]!.retries).toBe(2);
    expect(report.steps[0]!.response?.status).toBe(200);
    await t.controller.core.activity.settled();
    const drilled = (await t.controller.panel.listActivity({ connection: 'okta', limit: 20 })).filter((a) => a.fault === '429');
    expect(drilled).toHaveLength(2);
    expect(drilled.every((a) => a.simulated)).toBe(true);
    expect(t.controller.status().faultDrills).toEqual([]);
  });

  it('fails on a 503 drill that outlasts the retries: the report names the step, what Okta concludes and the fix', async () => {
    t = await startController();
    await t.controller.core.connections.setEnabled('okta', true);
    t.controller.core.faultDrills.arm({ connection: 'okta', kind: '503', count: 50, retryAfterSeconds: 0 });
    const report = await t.controller.simulate({ connection: 'okta', scenario: 'import', users: 2 });
    expect(report.state).toBe('failed');
    const failed = report.steps.find((s) => s.verdict === 'failed')!;
    expect(failed.index).toBe(1);
    expect(failed.response?.status).toBe(503);
    expect(failed.retries).toBe(MAX_RETRIES);
    expect(failed.conclusion).toMatch(/^Okta would/);
    expect(failed.conclusion).toContain('503');
    expect(failed.fix).toMatch(new RegExp(`^ScimDesk kept answering 503 after ${MAX_RETRIES} retries: wait for the fault drill`));
    expect(report.summary).toContain(failed.name);
    // Nothing was written: the drill answered before the route ran.
    expect(t.controller.status().counts.users).toBe(0);
  });
});
