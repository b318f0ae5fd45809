/**
 * The IPC contract between main, preload and renderer: the named calls, what each takes and
 * answers, and the events. Every call takes at most one payload object and answers a Result
 * (errors cross the boundary as data, never as exceptions). What each call takes is derived
 * from its schema in schemas.ts, which main validates it against. This file's values have no
 * imports, so the sandboxed preload bundles only the channel names.
 */
import type { ActivityDetail, ActivitySummary, AppStatus, ConnectionStatus, DirectoryChangeEvent, GroupDetail, GroupSummary, Page, PublicUrlCheck, RefusedSummary, SimulationReport, TokenResult, UserDetail, UserSummary } from './model';
import type { ExportFormat } from './choices';
import type { PAYLOAD_SCHEMAS } from './schemas';
import type { Static } from 'typebox';

export type ErrorCode =
  | 'invalid-payload'
  | 'forbidden-sender'
  | 'not-found'
  | 'invalid-settings'
  | 'keychain-unavailable'
  | 'server-not-running'
  | 'not-allowed'
  /** The same work is already running (an export): refused, not queued. */
  | 'busy'
  | 'write-failed'
  | 'startup-failed'
  | 'internal';

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: { readonly code: ErrorCode; readonly message: string } };

/** Call name → IPC channel. */
export const INVOKE_CHANNELS = {
  getStatus: 'status.get',
  setEnabled: 'connection.setEnabled',
  rotateToken: 'connection.rotateToken',
  endTokenOverlap: 'connection.endTokenOverlap',
  checkKeychain: 'keychain.check',
  setTunnelSettings: 'tunnel.setSettings',
  confirmPublicUrl: 'tunnel.confirmPublicUrl',
  retryTunnel: 'tunnel.retry',
  checkPublicUrl: 'tunnel.check',
  listUsers: 'users.list',
  getUser: 'users.get',
  listGroups: 'groups.list',
  getGroup: 'groups.get',
  listActivity: 'activity.list',
  getActivity: 'activity.get',
  activityActions: 'activity.actions',
  listRefused: 'activity.refused',
  backupNow: 'data.backup',
  exportDirectory: 'data.export',
  openExternal: 'app.openExternal',
  simulate: 'simulator.run',
  removeSimulated: 'simulator.remove',
  armFaultDrill: 'fault.arm',
  clearFaultDrill: 'fault.clear',
  showInFolder: 'app.showInFolder',
} as const;

export type CallName = keyof typeof INVOKE_CHANNELS;

/** What each call takes (undefined: nothing), as its schema says. */
export type Payloads = { [K in CallName]: Static<(typeof PAYLOAD_SCHEMAS)[K]> };

/** What an export wrote: its files (one JSON file, or three CSV files) and what they hold. */
export interface ExportResult {
  readonly files: readonly string[];
  readonly users: number;
  readonly groups: number;
}

/**
 * How far the running export is: sent as it goes (a few times a second at most), and once
 * more with `done` when it has ended, written or not.
 */
export interface ExportProgress {
  readonly format: ExportFormat;
  readonly users: number;
  readonly totalUsers: number;
  readonly groups: number;
  readonly totalGroups: number;
  readonly done: boolean;
}

export type { ExportFormat };

/** What each call answers when it succeeds. */
export interface Results {
  getStatus: AppStatus;
  /** `token` is set only on the first enable: shown once, never readable again. */
  setEnabled: { connection: ConnectionStatus; token: string | null };
  rotateToken: TokenResult;
  /** The previous token stops working now (ends a rotation overlap early). */
  endTokenOverlap: ConnectionStatus;
  checkKeychain: AppStatus;
  setTunnelSettings: AppStatus;
  confirmPublicUrl: AppStatus;
  /** The tunnel's next attempt starts now instead of after its backoff. */
  retryTunnel: AppStatus;
  /** Runs a check from outside of the current public URL and answers when it is done. */
  checkPublicUrl: PublicUrlCheck;
  listUsers: Page<UserSummary>;
  getUser: UserDetail;
  listGroups: Page<GroupSummary>;
  getGroup: GroupDetail;
  listActivity: readonly ActivitySummary[];
  getActivity: ActivityDetail;
  activityActions: readonly string[];
  listRefused: readonly RefusedSummary[];
  /** Where the copy of the database was written. */
  backupNow: { file: string };
  /** One export at a time: a second one while it runs is refused with 'busy'. */
  exportDirectory: ExportResult;
  openExternal: null;
  /** Runs a simulation and answers its report when it ends (progress comes as `simulation` events). */
  simulate: SimulationReport;
  /** Deletes the records the simulator created (never a real IdP's); answers how many. */
  removeSimulated: { users: number; groups: number };
  armFaultDrill: AppStatus;
  clearFaultDrill: AppStatus;
  /** Shows a backup or export written in this run in the system's file manager ('not-allowed' for any other path). */
  showInFolder: null;
}

/** Event name → IPC channel (main → renderer). */
export const EVENT_CHANNELS = {
  status: 'event.status',
  directory: 'event.directory',
  activity: 'event.activity',
  exportProgress: 'event.exportProgress',
} as const;

export interface EventPayloads {
  status: AppStatus;
  directory: DirectoryChangeEvent;
  activity: readonly ActivitySummary[];
  exportProgress: ExportProgress;
}

export type Calls = {
  [K in CallName]: Payloads[K] extends undefined ? () => Promise<Result<Results[K]>> : (payload: Payloads[K]) => Promise<Result<Results[K]>>;
};

export interface Subscriptions {
  /** Each returns its unsubscribe function. */
  onStatus(listener: (status: AppStatus) => void): () => void;
  onDirectoryChanged(listener: (change: DirectoryChangeEvent) => void): () => void;
  onActivity(listener: (entries: readonly ActivitySummary[]) => void): () => void;
  onExportProgress(listener: (progress: ExportProgress) => void): () => void;
}

/** window.scimdesk, as the preload exposes it. */
export type ScimDeskApi = Calls & Subscriptions;

export const SUBSCRIPTION_EVENTS: Readonly<Record<keyof Subscriptions, keyof EventPayloads>> = {
  onStatus: 'status',
  onDirectoryChanged: 'directory',
  onActivity: 'activity',
  onExportProgress: 'exportProgress',
};
