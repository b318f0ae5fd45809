import { defineConfig } from 'vitest/config';

// Three projects: `npm test` runs them all; `npm run test:unit`, `test:integration` and
// `test:e2e` run one (see package.json).
export default defineConfig({
  test: {
    environment: 'node',
    // Native modules (better-sqlite3, keytar) are safest in child processes.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      // Pure code: the SCIM domain, tokens, the preload, the window policy, the lint fences.
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      // Real parts: HTTP on a real port, SQLite files, the OS keychain, localtunnel, child processes.
      { extends: true, test: { name: 'integration', include: ['test/integration/**/*.test.ts'] } },
      // The panel in headless Chromium over the real controller.
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'] } },
    ],
  },
});
