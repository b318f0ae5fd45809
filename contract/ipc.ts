/**
 * The IPC contract between main, preload and renderer: the named calls, what each takes and
 * answers, and the events. Every call takes at most one payload object and answers a Result
 * (errors cross the boundary as data, never as exceptions). Main validates each payload
 * against electron/ipc-schemas.ts; this file has no runtime dependencies, so the sandboxed
 * preload can bundle it and the renderer can import its types.
 */
import type {
  ActivityDetail,
  ActivityQuery,
  ActivitySummary,
  AppStatus,
  ConnectionName,
  ConnectionStatus,
  DirectoryChangeEvent,
  GroupDetail,
  GroupQuery,
  GroupSummary,
  MemberQuery,
  Page,
  TokenResult,
  TunnelSettings,
  UserDetail,
  UserQuery,
  UserSummary,
} from '../server/api-types';

export type * from '../server/api-types';

export type ErrorCode =
  | 'invalid-payload'
  | 'forbidden-sender'
  | 'not-found'
  | 'invalid-settings'
  | 'keychain-unavailable'
  | 'server-not-running'
  | 'not-allowed'
  | 'startup-failed'
  | 'internal';

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: { readonly code: ErrorCode; readonly message: string } };

/** Call name → IPC channel. */
export const INVOKE_CHANNELS = {
  getStatus: 'status.get',
  setEnabled: 'connection.setEnabled',
  rotateToken: 'connection.rotateToken',
  checkKeychain: 'keychain.check',
  setTunnelSettings: 'tunnel.setSettings',
  confirmPublicUrl: 'tunnel.confirmPublicUrl',
  listUsers: 'users.list',
  getUser: 'users.get',
  listGroups: 'groups.list',
  getGroup: 'groups.get',
  listActivity: 'activity.list',
  getActivity: 'activity.get',
  activityActions: 'activity.actions',
  backupNow: 'data.backup',
  exportDirectory: 'data.export',
  openExternal: 'app.openExternal',
} as const;

export type CallName = keyof typeof INVOKE_CHANNELS;

/** What each call takes (undefined: nothing). */
export interface Payloads {
  getStatus: undefined;
  setEnabled: { connection: ConnectionName; enabled: boolean };
  rotateToken: { connection: ConnectionName };
  checkKeychain: undefined;
  setTunnelSettings: Partial<TunnelSettings>;
  confirmPublicUrl: undefined;
  listUsers: UserQuery;
  getUser: { id: string };
  listGroups: GroupQuery;
  getGroup: { id: string; members?: MemberQuery };
  listActivity: ActivityQuery;
  getActivity: { seq: number };
  activityActions: undefined;
  backupNow: undefined;
  exportDirectory: { format: 'json' | 'csv' };
  openExternal: { url: string };
}

/** What each call answers when it succeeds. */
export interface Results {
  getStatus: AppStatus;
  /** `token` is set only on the first enable: shown once, never readable again. */
  setEnabled: { connection: ConnectionStatus; token: string | null };
  rotateToken: TokenResult;
  checkKeychain: AppStatus;
  setTunnelSettings: AppStatus;
  confirmPublicUrl: AppStatus;
  listUsers: Page<UserSummary>;
  getUser: UserDetail;
  listGroups: Page<GroupSummary>;
  getGroup: GroupDetail;
  listActivity: readonly ActivitySummary[];
  getActivity: ActivityDetail;
  activityActions: readonly string[];
  /** Where the copy of the database was written. */
  backupNow: { file: string };
  exportDirectory: { files: readonly string[]; users: number; groups: number };
  openExternal: null;
}

/** Event name → IPC channel (main → renderer). */
export const EVENT_CHANNELS = {
  status: 'event.status',
  directory: 'event.directory',
  activity: 'event.activity',
} as const;

export interface EventPayloads {
  status: AppStatus;
  directory: DirectoryChangeEvent;
  activity: readonly ActivitySummary[];
}

export type Calls = {
  [K in CallName]: Payloads[K] extends undefined ? () => Promise<Result<Results[K]>> : (payload: Payloads[K]) => Promise<Result<Results[K]>>;
};

export interface Subscriptions {
  /** Each returns its unsubscribe function. */
  onStatus(listener: (status: AppStatus) => void): () => void;
  onDirectoryChanged(listener: (change: DirectoryChangeEvent) => void): () => void;
  onActivity(listener: (entries: readonly ActivitySummary[]) => void): () => void;
}

/** window.scimdesk, as the preload exposes it. */
export type ScimDeskApi = Calls & Subscriptions;

export const SUBSCRIPTION_EVENTS: Readonly<Record<keyof Subscriptions, keyof EventPayloads>> = {
  onStatus: 'status',
  onDirectoryChanged: 'directory',
  onActivity: 'activity',
};

/**
 * Help links the panel may open in the browser (besides the app's own public URLs). The main
 * process opens nothing else.
 */
export const HELP_LINKS = {
  oktaScimApp: 'https://help.okta.com/en-us/content/topics/apps/apps_app_integration_wizard_scim.htm',
  oktaProvisioning: 'https://help.okta.com/en-us/content/topics/provisioning/lcm/lcm-provision-application.htm',
  entraProvisioning: 'https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups',
  rfc7644: 'https://datatracker.ietf.org/doc/html/rfc7644',
} as const;
