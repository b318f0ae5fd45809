/**
 * Main's IPC handlers over the real connection core (real SQLite, keychain, SCIM server);
 * only Electron's ipcMain and shell are stand-ins, since Electron cannot run here. Checks the
 * sender and payload gates, that every answer is a Result, and the surface itself (snapshot).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallName, EVENT_CHANNELS, INVOKE_CHANNELS, type Result } from '../../../contract/ipc';
import { HELP_LINKS } from '../../../contract/help-links';
import { PAYLOAD_SCHEMAS } from '../../../contract/schemas';
import { type ControllerState, type IpcDeps, forwardEvents, registerIpc } from '../../../electron/ipc';
import { oktaUser } from '../../../tools/idp/okta';
import { type TestController, startController } from '../../support/controller';
import { ScimClient } from '../../../tools/scim-client';

type IpcMainInvokeEvent = Parameters<IpcDeps['isTrustedSender']>[0];
type Handler = (event: IpcMainInvokeEvent, payload?: unknown) => Promise<Result<any>>;

const trusted = { trusted: true } as unknown as IpcMainInvokeEvent;
const stranger = { trusted: false } as unknown as IpcMainInvokeEvent;

function harness(controller: () => ControllerState) {
  const handlers = new Map<string, Handler>();
  const opened: string[] = [];
  const shown: string[] = [];
  const deps: IpcDeps = {
    ipcMain: { handle: (channel: string, fn: Handler) => void handlers.set(channel, fn), removeHandler: (channel: string) => void handlers.delete(channel) } as unknown as IpcDeps['ipcMain'],
    shell: { openExternal: async (url: string) => void opened.push(url), showItemInFolder: (file: string) => void shown.push(file) },
    controller,
    isTrustedSender: (event) => (event as unknown as { trusted: boolean }).trusted,
  };
  const unregister = registerIpc(deps);
  const call = (name: CallName, payload?: unknown, event = trusted): Promise<Result<any>> => handlers.get(INVOKE_CHANNELS[name])!(event, payload);
  return { handlers, opened, shown, call, unregister };
}

let t: TestController;
let h: ReturnType<typeof harness>;

beforeAll(async () => {
  t = await startController();
  h = harness(() => ({ controller: t.controller }));
});
afterAll(async () => t?.stop());

describe('the IPC surface', () => {
  it('registers exactly the contract calls, each with a payload schema (snapshot: additions show in review)', () => {
    expect([...h.handlers.keys()].sort()).toEqual(Object.values(INVOKE_CHANNELS).sort());
    const surface = Object.fromEntries(
      (Object.keys(INVOKE_CHANNELS) as CallName[]).map((name) => [name, { channel: INVOKE_CHANNELS[name], payload: JSON.parse(JSON.stringify(PAYLOAD_SCHEMAS[name])) }]),
    );
    expect({ calls: surface, events: EVENT_CHANNELS }).toMatchSnapshot();
  });

  it('unregisters everything it registered', () => {
    const other = harness(() => ({ controller: t.controller }));
    other.unregister();
    expect(other.handlers.size).toBe(0);
  });
});

describe('gates', () => {
  it('refuses every call from another sender, without touching the core', async () => {
    for (const name of Object.keys(INVOKE_CHANNELS) as CallName[]) {
      const res = await h.call(name, undefined, stranger);
      expect(res).toEqual({ ok: false, error: { code: 'forbidden-sender', message: expect.any(String) } });
    }
    const res = await h.call('setEnabled', { connection: 'okta', enabled: true }, stranger);
    expect(res.ok).toBe(false);
    expect(t.controller.status().connections.find((c) => c.name === 'okta')!.enabled).toBe(false);
  });

  it.each([
    ['setEnabled', { connection: 'github', enabled: true }, '/connection'],
    ['setEnabled', { connection: 'okta' }, 'enabled'],
    ['setEnabled', { connection: 'okta', enabled: 'yes' }, '/enabled'],
    ['setEnabled', { connection: 'okta', enabled: true, extra: 1 }, ''],
    ['listUsers', { limit: 100000 }, '/limit'],
    ['listUsers', { sort: 'password' }, '/sort'],
    ['getUser', { id: '' }, '/id'],
    ['getActivity', { seq: '7' }, '/seq'],
    ['getStatus', { sneaky: true }, ''],
    ['rotateToken', { connection: 'okta', overlap: '2h' }, '/overlap'],
    ['rotateToken', { connection: 'okta', overlap: 3600 }, '/overlap'],
    ['endTokenOverlap', { connection: 'okta', overlap: '1h' }, ''],
    ['openExternal', 'https://example.com', ''],
  ] as const)('refuses a malformed %s payload %j', async (name, payload, path) => {
    const res = await h.call(name, payload);
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.error.code).toBe('invalid-payload');
    expect(res.error.message).toContain(`Invalid request for ${name}`);
    if (path) expect(res.error.message).toContain(path);
  });
});

describe('calls over the real core', () => {
  it('enable shows the token once; rotate shows a new one once; status never carries a token', async () => {
    const first = await h.call('setEnabled', { connection: 'okta', enabled: true });
    expect(first).toMatchObject({ ok: true, value: { connection: { name: 'okta', enabled: true, hasToken: true, label: 'Okta' }, token: expect.stringMatching(/^scimdesk_/) } });
    const again = await h.call('setEnabled', { connection: 'okta', enabled: true });
    expect(again).toMatchObject({ ok: true, value: { token: null } });
    const rotated = await h.call('rotateToken', { connection: 'okta' });
    expect(rotated.ok && rotated.value.token).toMatch(/^scimdesk_/);
    const status = await h.call('getStatus');
    expect(status.ok).toBe(true);
    const text = JSON.stringify(status);
    expect(text).not.toContain(first.ok ? first.value.token : 'x');
    expect(text).not.toContain(rotated.ok ? rotated.value.token : 'x');
  });

  it('answers the panel queries and says not-found as a Result', async () => {
    const token = (await h.call('rotateToken', { connection: 'okta' })) as Result<{ token: string }>;
    const client = new ScimClient(t.controller.status().scimUrl!, `Bearer ${token.ok ? token.value.token : ''}`);
    const created = await client.post('/Users', oktaUser('ipc.user@example.com'));
    const users = await h.call('listUsers', { search: 'IPC.USER', limit: 10 });
    expect(users).toMatchObject({ ok: true, value: { total: 1, items: [{ id: created.body.id, userName: 'ipc.user@example.com', email: 'ipc.user@example.com', active: true, source: 'okta' }] } });
    const detail = await h.call('getUser', { id: created.body.id });
    expect(detail).toMatchObject({ ok: true, value: { summary: { id: created.body.id }, resource: { userName: 'ipc.user@example.com' }, history: { entries: [{ action: 'create', connection: 'okta', target: 'ipc.user@example.com' }], omitted: 0 } } });
    expect(await h.call('getUser', { id: 'no-such-user' })).toEqual({ ok: false, error: { code: 'not-found', message: 'No user with id no-such-user' } });
    const activity = await h.call('listActivity', { connection: 'okta', status: 'success', limit: 5 });
    expect(activity.ok && activity.value[0]).toMatchObject({ action: 'Create user', status: 201 });
    const one = await h.call('getActivity', { seq: activity.ok ? activity.value[0].seq : 0 });
    expect(one).toMatchObject({ ok: true, value: { requestBody: expect.stringContaining('[redacted]') } });
    expect(await h.call('activityActions')).toMatchObject({ ok: true, value: expect.arrayContaining(['Create user']) });
  });

  it('rotates with an overlap: the status carries the previous token until endTokenOverlap ends it; ending none is a not-allowed Result', async () => {
    const rotated = await h.call('rotateToken', { connection: 'okta', overlap: '24h' });
    expect(rotated).toMatchObject({ ok: true, value: { token: expect.stringMatching(/^scimdesk_/), connection: { previousToken: { expiresAt: expect.any(String), lastUsedAt: null } } } });
    const until = rotated.ok ? Date.parse(rotated.value.connection.previousToken.expiresAt) : 0;
    expect(Math.abs(until - (Date.now() + 86_400_000))).toBeLessThan(60_000);
    const status = await h.call('getStatus');
    expect(status.ok && status.value.connections.find((c: { name: string }) => c.name === 'okta').previousToken).toEqual(rotated.ok && rotated.value.connection.previousToken);
    const ended = await h.call('endTokenOverlap', { connection: 'okta' });
    expect(ended).toMatchObject({ ok: true, value: { name: 'okta', previousToken: null } });
    expect(await h.call('endTokenOverlap', { connection: 'okta' })).toEqual({ ok: false, error: { code: 'not-allowed', message: 'Okta has no previous token that still works: there is no overlap to end' } });
  });

  it('turns invalid tunnel settings into an invalid-settings Result', async () => {
    const res = await h.call('setTunnelSettings', { mode: 'localtunnel', subdomain: 'x' });
    expect(res).toMatchObject({ ok: false, error: { code: 'invalid-settings', message: expect.stringContaining('subdomain') } });
  });

  it('opens only the app’s own URLs and help pages in the browser', async () => {
    expect(await h.call('openExternal', { url: HELP_LINKS.oktaScimApp })).toEqual({ ok: true, value: null });
    for (const url of ['https://evil.example/', 'file:///etc/passwd', 'javascript:alert(1)', `${HELP_LINKS.oktaScimApp}?x=1`, 'not a url']) {
      expect(await h.call('openExternal', { url })).toMatchObject({ ok: false, error: { code: 'not-allowed' } });
    }
    expect(h.opened).toEqual([HELP_LINKS.oktaScimApp]);
  });

  it('shows in its folder only a backup or export written in this run; one export at a time, its progress forwarded', async () => {
    const sent: [string, any][] = [];
    const stop = forwardEvents(t.controller, () => ({ isDestroyed: () => false, send: (channel: string, payload: unknown) => sent.push([channel, payload]) }) as any);
    const backup = (await h.call('backupNow')) as Result<{ file: string }>;
    const [exported, second] = await Promise.all([h.call('exportDirectory', { format: 'csv' }), h.call('exportDirectory', { format: 'json' })]);
    stop();
    expect(second).toMatchObject({ ok: false, error: { code: 'busy' } });
    expect(exported.ok).toBe(true);
    const progress = sent.filter(([c]) => c === EVENT_CHANNELS.exportProgress).map(([, p]) => p);
    expect(progress.at(-1)).toMatchObject({ format: 'csv', done: true, users: exported.ok ? exported.value.users : -1 });
    const files = [backup.ok ? backup.value.file : '', ...(exported.ok ? exported.value.files : [])];
    for (const file of files) expect(await h.call('showInFolder', { file })).toEqual({ ok: true, value: null });
    expect(h.shown).toEqual(files);
    for (const file of ['/etc/passwd', `${files[0]}x`, t.dataDir, `${t.dataDir}/scimdesk.db`]) {
      expect(await h.call('showInFolder', { file })).toMatchObject({ ok: false, error: { code: 'not-allowed' } });
    }
    expect(h.shown).toEqual(files);
  });

  it('forwards status, directory and activity events to the window', async () => {
    const sent: [string, any][] = [];
    const webContents = { isDestroyed: () => false, send: (channel: string, payload: unknown) => sent.push([channel, payload]) };
    const stop = forwardEvents(t.controller, () => webContents as any);
    const token = (await h.call('rotateToken', { connection: 'okta' })) as Result<{ token: string }>;
    const client = new ScimClient(t.controller.status().scimUrl!, `Bearer ${token.ok ? token.value.token : ''}`);
    const created = await client.post('/Users', oktaUser('events.user@example.com'));
    // The request log writes within ~50 ms, and events are coalesced over 200 ms.
    for (let i = 0; i < 100 && !sent.some(([c, p]) => c === EVENT_CHANNELS.activity && p.some((e: any) => e.resourceId === created.body.id)); i++) await new Promise((r) => setTimeout(r, 20));
    stop();
    expect(sent.some(([c, p]) => c === EVENT_CHANNELS.directory && p.ids.includes(created.body.id))).toBe(true);
    expect(sent.some(([c, p]) => c === EVENT_CHANNELS.activity && p.some((e: any) => e.resourceId === created.body.id))).toBe(true);
    expect(sent.some(([c]) => c === EVENT_CHANNELS.status)).toBe(true);
  });
});

describe('failures', () => {
  it('a core that failed to start answers every call with startup-failed and the reason', async () => {
    const broken = harness(() => ({ failure: 'The database was written by a newer ScimDesk (schema 9).' }));
    expect(await broken.call('getStatus')).toEqual({ ok: false, error: { code: 'startup-failed', message: 'The database was written by a newer ScimDesk (schema 9).' } });
  });

  it('an unexpected error becomes a generic internal Result: no message, stack or SQL from inside', async () => {
    const other = await startController();
    const logged: unknown[] = [];
    const handlers = new Map<string, Handler>();
    registerIpc({
      ipcMain: { handle: (c: string, fn: Handler) => void handlers.set(c, fn), removeHandler: () => undefined } as unknown as IpcDeps['ipcMain'],
      shell: { openExternal: async () => undefined, showItemInFolder: () => undefined },
      controller: () => ({ controller: other.controller }),
      isTrustedSender: () => true,
      log: (_m, err) => logged.push(err),
    });
    other.controller.core.db.exec('DROP TABLE group_members; DROP TABLE groups');
    const res = await handlers.get(INVOKE_CHANNELS.listGroups)!(trusted, {});
    expect(res).toEqual({ ok: false, error: { code: 'internal', message: 'Something went wrong in ScimDesk; the details are in its log' } });
    expect(String(logged[0])).toMatch(/no such table/);
    await other.stop();
  });
});
