/**
 * When the check from outside runs and which result the status keeps: a new URL forgets the
 * last check and is checked; a call while a check runs joins it; a result for a URL that is no
 * longer current is never shown as the last one. The check itself is a function the test
 * finishes by hand (the real one is covered over the network in test/integration/tunnel).
 */
import { describe, expect, it } from 'vitest';
import type { PublicUrlCheck } from '../../contract/model';
import { PublicCheckRunner } from '../../server/controller/public-check';

function result(url: string, ok = true): PublicUrlCheck {
  const step = { state: 'ok' as const, ms: 1, error: null };
  return { url, startedAt: new Date().toISOString(), ok, dns: { ...step, addresses: [] }, tls: { ...step, protocol: null, issuer: null, validTo: null }, http: { ...step, status: 200 }, proof: step, sentence: url };
}

/** A runner whose checks wait until the test finishes them. */
function harness() {
  const started: { url: string; finish: (ok?: boolean) => void }[] = [];
  const announced: (PublicUrlCheck | null)[] = [];
  const runner = new PublicCheckRunner(
    (url) => new Promise((resolve) => started.push({ url, finish: (ok = true) => resolve(result(url, ok)) })),
    (finished) => announced.push(finished),
  );
  return { runner, started, announced };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('PublicCheckRunner', () => {
  it('checks a new URL by itself, announces the start and the end, and keeps the result', async () => {
    const { runner, started, announced } = harness();
    runner.follow('https://a.example');
    expect(runner.status()).toEqual({ running: true, last: null });
    started[0]!.finish();
    await tick();
    expect(runner.status().running).toBe(false);
    expect(runner.status().last?.url).toBe('https://a.example');
    expect(announced.map((a) => a?.url ?? null)).toEqual([null, 'https://a.example']);
  });

  it('a call while a check runs joins it; an unchanged URL is not checked again unless asked', async () => {
    const { runner, started } = harness();
    runner.follow('https://a.example');
    const joined = runner.run();
    runner.follow('https://a.example');
    expect(started).toHaveLength(1);
    started[0]!.finish();
    expect((await joined)!.url).toBe('https://a.example');
    runner.follow('https://a.example', true);
    expect(started).toHaveLength(2);
  });

  it('a URL change forgets the last check; the old URL\'s late result is not kept, and the new URL is checked after it', async () => {
    const { runner, started } = harness();
    runner.follow('https://a.example');
    started[0]!.finish();
    await tick();
    runner.follow('https://b.example');
    expect(runner.status().last).toBeNull();
    runner.follow('https://c.example'); // b is still running
    started[1]!.finish();
    await tick();
    expect(runner.status().last).toBeNull(); // b's result is not c's
    expect(started.map((s) => s.url)).toEqual(['https://a.example', 'https://b.example', 'https://c.example']);
    started[2]!.finish(false);
    await tick();
    expect(runner.status().last).toMatchObject({ url: 'https://c.example', ok: false });
  });

  it('no URL: nothing to run; after stop nothing is announced', async () => {
    const { runner, started, announced } = harness();
    expect(runner.run()).toBeNull();
    runner.follow('https://a.example');
    runner.stop();
    started[0]!.finish();
    await tick();
    expect(announced).toEqual([null]);
    expect(runner.run()).toBeNull();
  });
});
