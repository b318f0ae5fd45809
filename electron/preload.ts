/**
 * The preload: exposes window.scimdesk with the contract's named calls and event
 * subscriptions only. The renderer never sees ipcRenderer, a channel name or an event object.
 */
import { contextBridge, type IpcRendererEvent, ipcRenderer } from 'electron';
import { type CallName, EVENT_CHANNELS, type EventPayloads, INVOKE_CHANNELS, SUBSCRIPTION_EVENTS, type ScimDeskApi, type Subscriptions } from '../contract/ipc';

function subscribe<K extends keyof EventPayloads>(event: K) {
  return (listener: (payload: EventPayloads[K]) => void): (() => void) => {
    const channel = EVENT_CHANNELS[event];
    const wrapped = (_event: IpcRendererEvent, payload: EventPayloads[K]): void => listener(payload);
    ipcRenderer.on(channel, wrapped);
    return () => {
      ipcRenderer.removeListener(channel, wrapped);
    };
  };
}

const api: Record<string, unknown> = {};
for (const name of Object.keys(INVOKE_CHANNELS) as CallName[]) {
  const channel = INVOKE_CHANNELS[name];
  api[name] = (payload?: unknown) => ipcRenderer.invoke(channel, payload);
}
for (const [method, event] of Object.entries(SUBSCRIPTION_EVENTS) as [keyof Subscriptions, keyof EventPayloads][]) {
  api[method] = subscribe(event);
}

contextBridge.exposeInMainWorld('scimdesk', Object.freeze(api) as unknown as ScimDeskApi);
