/**
 * The sentences for failures that are hard to cause on purpose over HTTP (an internal error,
 * a full disk, an unreadable keychain), the time format, and the health states' precedence.
 * The statuses an IdP meets every day are produced for real in
 * test/integration/http/explanations.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { DISK_FULL_DETAIL, clock, connectionHealth, explainFailure } from '../../server/core/explain';

const base = { connection: 'okta', method: 'POST', action: 'Create user', resourceType: 'User', resourceId: null, target: 'ada@example.com', scimType: null } as const;

describe('explainFailure', () => {
  it('500: an internal error, the IdP retries, report it if it repeats', () => {
    expect(explainFailure({ ...base, status: 500, detail: 'Internal server error (request req-1); details are in the ScimDesk log' }).explanation).toBe(
      'ScimDesk failed on this request (an internal error; the details are in the ScimDesk log) — the IdP retries; if it repeats, report it',
    );
  });

  it('503 from a full disk: free space; nothing acknowledged was lost', () => {
    expect(explainFailure({ ...base, status: 503, detail: `${DISK_FULL_DETAIL}; retry later` }).explanation).toBe(
      "The ScimDesk server's disk is full, so the change was not saved — free disk space on the ScimDesk machine; the IdP retries and nothing acknowledged was lost",
    );
  });

  it('503 when the secret store cannot be read: the answer\'s detail, which names the store in use', () => {
    const detail = 'ScimDesk cannot read its token file, so it cannot check SCIM tokens; see the ScimDesk app';
    expect(explainFailure({ ...base, connection: null, status: 503, detail, reason: 'secrets-unavailable' }).explanation).toBe(`${detail} — the IdP retries`);
  });

  it('labels, never internal names', () => {
    const text = explainFailure({ ...base, connection: 'entra', status: 400, detail: 'Attribute "userName" is required.' }).explanation!;
    expect(text).toBe('Microsoft Entra ID\'s request was refused: Attribute "userName" is required — fix the attribute mapping or the value in Microsoft Entra ID');
    expect(text).not.toMatch(/\bentra\b/);
  });

  it('a success has none', () => {
    expect(explainFailure({ ...base, status: 201, detail: null })).toEqual({ explanation: null, remedy: null });
  });
});

describe('clock', () => {
  it('is the time today and the date with it on other days', () => {
    const now = new Date(2026, 11, 5, 9, 30);
    expect(clock(new Date(2026, 11, 5, 5, 10).toISOString(), now)).toBe('05:10');
    expect(clock(new Date(2026, 11, 4, 23, 5).toISOString(), now)).toBe('4 Dec 23:05');
  });
});

describe('connectionHealth', () => {
  const now = new Date(2026, 11, 5, 9, 30);
  const at = (h: number, m: number): string => new Date(2026, 11, 5, h, m).toISOString();
  const h = { name: 'okta', enabled: true, lastSuccessAt: null, lastFailureAt: null, failuresLastHour: 0, failuresSinceSuccess: 0, replaced: null, disabledLastHour: 0 } as const;

  it('idle, ok, failing', () => {
    expect(connectionHealth(h, now)).toMatchObject({ state: 'idle', sentence: 'No requests from Okta yet' });
    expect(connectionHealth({ ...h, lastSuccessAt: at(9, 0) }, now)).toMatchObject({ state: 'ok', sentence: "Okta's last request succeeded at 09:00" });
    expect(connectionHealth({ ...h, lastSuccessAt: at(9, 0), lastFailureAt: at(9, 5), failuresLastHour: 4, failuresSinceSuccess: 3 }, now)).toMatchObject({
      state: 'failing',
      sentence: "Okta's requests are failing — the last at 09:05, 4 failures in the last hour",
    });
    // One failed request after a success (a refused duplicate) is not a failing connection.
    expect(connectionHealth({ ...h, lastSuccessAt: at(9, 0), lastFailureAt: at(9, 5), failuresLastHour: 1, failuresSinceSuccess: 1 }, now)).toMatchObject({
      state: 'ok',
      sentence: "Okta's last request succeeded at 09:00; 1 request failed in the last hour",
    });
    // Before any success, a failure is failing.
    expect(connectionHealth({ ...h, lastFailureAt: at(9, 5), failuresLastHour: 1, failuresSinceSuccess: 1 }, now).state).toBe('failing');
  });

  it('an old token wins over failing until a request with the current token succeeds', () => {
    const replaced = { count: 12, firstAt: at(5, 10), lastAt: at(9, 20) };
    expect(connectionHealth({ ...h, lastSuccessAt: at(5, 0), replaced }, now)).toMatchObject({ state: 'old-token', sentence: 'Okta is using an old token since 05:10 — 12 requests refused' });
    expect(connectionHealth({ ...h, lastSuccessAt: at(9, 25), replaced }, now).state).toBe('ok');
  });

  it('disabled while the IdP keeps calling', () => {
    expect(connectionHealth({ ...h, enabled: false, disabledLastHour: 3, lastFailureAt: at(9, 1), failuresLastHour: 3, failuresSinceSuccess: 3 }, now)).toMatchObject({
      state: 'disabled',
      sentence: 'Okta keeps calling, but the connection is disabled — 3 requests refused in the last hour',
    });
  });
});
