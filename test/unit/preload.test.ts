/**
 * The preload, loaded with a stand-in for Electron's module (Electron cannot run here): it
 * exposes exactly the contract's named calls and subscriptions, each call goes to its channel
 * with its payload, subscriptions can be undone, and nothing else (ipcRenderer, send, on)
 * reaches the page.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { EVENT_CHANNELS, INVOKE_CHANNELS, SUBSCRIPTION_EVENTS } from '../../contract/ipc';

const exposed: Record<string, any> = {};
const invoked: [string, unknown][] = [];
const listeners = new Map<string, Set<(...args: unknown[]) => void>>();

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => void (exposed[key] = api) },
  ipcRenderer: {
    invoke: async (channel: string, payload: unknown) => {
      invoked.push([channel, payload]);
      return { ok: true, value: channel };
    },
    on: (channel: string, fn: (...args: unknown[]) => void) => {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(fn);
    },
    removeListener: (channel: string, fn: (...args: unknown[]) => void) => void listeners.get(channel)?.delete(fn),
  },
}));

beforeAll(async () => {
  await import('../../electron/preload');
});

describe('window.scimdesk', () => {
  it('has exactly the contract’s calls and subscriptions, all functions, frozen', () => {
    const api = exposed['scimdesk'];
    expect(Object.keys(exposed)).toEqual(['scimdesk']);
    expect(Object.keys(api).sort()).toEqual([...Object.keys(INVOKE_CHANNELS), ...Object.keys(SUBSCRIPTION_EVENTS)].sort());
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
    expect(Object.isFrozen(api)).toBe(true);
    for (const leak of ['invoke', 'send', 'on', 'ipcRenderer', 'sendSync']) expect(api).not.toHaveProperty(leak);
  });

  it('sends each call to its channel with its payload and returns the Result', async () => {
    const api = exposed['scimdesk'];
    await expect(api.setEnabled({ connection: 'okta', enabled: true })).resolves.toEqual({ ok: true, value: INVOKE_CHANNELS.setEnabled });
    await api.getStatus();
    expect(invoked).toEqual([
      [INVOKE_CHANNELS.setEnabled, { connection: 'okta', enabled: true }],
      [INVOKE_CHANNELS.getStatus, undefined],
    ]);
  });

  it('delivers events without the IPC event object, and unsubscribes', () => {
    const api = exposed['scimdesk'];
    const got: unknown[] = [];
    const off = api.onDirectoryChanged((change: unknown) => got.push(change));
    const [listener] = listeners.get(EVENT_CHANNELS.directory)!;
    listener!({ sender: 'ipc-event' }, { types: ['User'], ids: ['1'] });
    expect(got).toEqual([{ types: ['User'], ids: ['1'] }]);
    off();
    expect(listeners.get(EVENT_CHANNELS.directory)!.size).toBe(0);
  });
});
