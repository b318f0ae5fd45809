/// <reference types="vite/client" />
import type { ScimDeskApi } from '../../contract/ipc';

declare global {
  interface Window {
    /** The preload's named calls and subscriptions (electron/preload.ts). */
    readonly scimdesk: ScimDeskApi;
  }
}
