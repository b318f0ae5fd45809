/**
 * The preload: exposes named methods only (never ipcRenderer itself) as window.scimdesk.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { CHANNELS, type ScimDeskApi } from './contract';

const api: ScimDeskApi = {
  appInfo: () => ipcRenderer.invoke(CHANNELS.appInfo),
};

contextBridge.exposeInMainWorld('scimdesk', api);
