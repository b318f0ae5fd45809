/**
 * The IPC contract between main, preload and renderer: channel names and the shapes that
 * cross them. Types only on the renderer side; main validates every payload it receives.
 * The desktop-shell issue fills this in; today it carries the app's identity only.
 */

export type Result<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

export const CHANNELS = {
  appInfo: 'app.info',
} as const;

export interface AppInfo {
  readonly name: string;
  readonly version: string;
}

/** What the preload exposes as `window.scimdesk`. */
export interface ScimDeskApi {
  appInfo(): Promise<Result<AppInfo>>;
}
