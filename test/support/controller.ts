/**
 * The real controller for tests: a temp data folder, the real OS keychain under a
 * per-test service name (cleaned up afterwards), the SCIM server on a random loopback port,
 * and the tunnel off unless a test asks for one (tests never reach a public host).
 */
import { rmSync } from 'node:fs';
import type { AppStatus } from '../../contract/model';
import { Controller, type ControllerOptions } from '../../server/controller/controller';
import { forgetTokens, tempDir, testKeychain } from './scim-server';

export interface TestController {
  readonly controller: Controller;
  readonly dataDir: string;
  readonly keychainService: string;
  stop(): Promise<void>;
}

export async function startController(options: Partial<ControllerOptions> = {}): Promise<TestController> {
  const dataDir = options.dataDir ?? tempDir();
  const keychain = testKeychain();
  const secretStore = options.secretStore ?? keychain.store;
  const controller = await Controller.start({ port: 0, tunnel: { mode: 'none' }, eventIntervalMs: 20, ...options, dataDir, secretStore });
  let stopped = false;
  return {
    controller,
    dataDir,
    keychainService: keychain.service,
    async stop() {
      if (stopped) return;
      stopped = true;
      await controller.stop();
      await forgetTokens(secretStore);
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Resolves with the first status (current or announced) that satisfies `predicate`. */
export function waitForStatus(controller: Controller, predicate: (s: AppStatus) => boolean, timeoutMs = 15_000, what = 'status'): Promise<AppStatus> {
  return new Promise((resolve, reject) => {
    const now = controller.status();
    if (predicate(now)) return resolve(now);
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`timed out waiting for ${what}; last: ${JSON.stringify(controller.status().tunnel)}`));
    }, timeoutMs);
    const unsubscribe = controller.on('status', (s) => {
      if (!predicate(s)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(s);
    });
  });
}

export const online = (s: AppStatus): boolean => s.tunnel.phase === 'online';

/** Online, and the tunnel server has reported the tunnel up (the first health check passed). */
export const verified = (s: AppStatus): boolean => online(s) && s.tunnel.verifiedAt !== null;

/** Short tunnel timings so reconnects happen in test time. */
export const FAST_TUNNEL = {
  openTimeoutMs: 3_000,
  healthIntervalMs: 300,
  backoff: { initialMs: 100, maxMs: 1_000, jitter: 0.5 },
  subdomainGraceMs: 1_200,
  subdomainRetries: 3,
} as const;
