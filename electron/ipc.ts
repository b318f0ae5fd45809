/**
 * Main's side of the IPC contract. Every call is checked twice before it reaches the controller —
 * the sender must be ScimDesk's own window and page, the payload must match its schema — and
 * every answer is a Result: errors cross the boundary as { code, message }, never as thrown
 * exceptions, stack traces or internal details.
 */
import type { IpcMain, IpcMainInvokeEvent, Shell, WebContents } from 'electron';
import { Value } from 'typebox/value';
import { HELP_LINKS } from '../contract/help-links';
import { type CallName, EVENT_CHANNELS, type ErrorCode, type EventPayloads, INVOKE_CHANNELS, type Payloads, type Result, type Results } from '../contract/ipc';
import { PAYLOAD_SCHEMAS } from '../contract/schemas';
import type { Controller } from '../server/controller/controller';
import { ServiceError } from '../server/core/errors';

/** The running ScimDesk as far as IPC is concerned: started, or failed to start with a reason. */
export type ControllerState = { readonly controller: Controller } | { readonly failure: string };

export interface IpcDeps {
  readonly ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  readonly shell: Pick<Shell, 'openExternal' | 'showItemInFolder'>;
  /** The controller, once started (calls made during startup wait for it). */
  readonly controller: () => ControllerState | Promise<ControllerState>;
  /** True for events from ScimDesk's window showing ScimDesk's own page. */
  readonly isTrustedSender: (event: IpcMainInvokeEvent) => boolean;
  readonly log?: (message: string, err: unknown) => void;
}

function fail(code: ErrorCode, message: string): Result<never> {
  return { ok: false, error: { code, message } };
}

/** Http(s) URLs the app itself shows (its public and SCIM URLs) or links to (help). */
export function isAllowedExternalUrl(url: string, status: { publicUrl: string | null; scimUrl: string | null } | undefined): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return false;
  const allowed = new Set<string>(Object.values(HELP_LINKS));
  if (status?.publicUrl) allowed.add(status.publicUrl);
  if (status?.scimUrl) allowed.add(status.scimUrl);
  return allowed.has(url);
}

type Handler<K extends CallName> = (controller: Controller, payload: Payloads[K], shell: IpcDeps['shell']) => Promise<Results[K]> | Results[K];

/** Each call, answered by the same core methods the CLI calls (connections, backups, exports); the shell for the two that need it. */
const HANDLERS: { [K in CallName]: Handler<K> } = {
  getStatus: (c) => c.status(),
  setEnabled: (c, p) => c.core.connections.setEnabled(p.connection, p.enabled),
  rotateToken: (c, p) => c.core.connections.rotateToken(p.connection, p.overlap),
  endTokenOverlap: (c, p) => c.core.connections.endTokenOverlap(p.connection),
  checkKeychain: async (c) => {
    await c.core.connections.checkSecrets();
    return c.status();
  },
  setTunnelSettings: async (c, p) => {
    await c.endpoint.configure(p);
    return c.status();
  },
  confirmPublicUrl: (c) => {
    c.endpoint.confirm();
    return c.status();
  },
  retryTunnel: (c) => {
    c.endpoint.retry();
    return c.status();
  },
  checkPublicUrl: (c) => c.checkPublicUrl(),
  listUsers: (c, p) => c.panel.listUsers(p),
  getUser: (c, p) => c.panel.getUser(p.id),
  listGroups: (c, p) => c.panel.listGroups(p),
  getGroup: (c, p) => c.panel.getGroup(p.id, p.members),
  listActivity: (c, p) => c.panel.listActivity(p),
  getActivity: (c, p) => c.panel.getActivity(p.seq),
  activityActions: (c) => c.panel.activityActions(),
  listRefused: (c) => c.panel.listRefused(),
  backupNow: (c) => c.core.files.backup(),
  exportDirectory: (c, p) => c.core.files.export(p.format),
  openExternal: async (c, p, shell) => {
    if (!isAllowedExternalUrl(p.url, c.status())) throw new ServiceError('not-allowed', 'ScimDesk opens only its own URLs and help pages in the browser');
    await shell.openExternal(p.url);
    return null;
  },
  // Only a backup or export of this run: the shell never reveals a path the window names at will.
  showInFolder: (c, p, shell) => {
    shell.showItemInFolder(c.core.files.writtenFile(p.file));
    return null;
  },
  // Progress reaches the panel as status events (AppStatus.simulation), step by step.
  simulate: (c, p) => c.simulate(p),
  removeSimulated: (c) => c.removeSimulated(),
  armFaultDrill: (c, p) => {
    c.core.faultDrills.arm(p);
    return c.status();
  },
  clearFaultDrill: (c, p) => {
    c.core.faultDrills.clear(p.connection);
    return c.status();
  },
};

function describeInvalid(name: CallName, payload: unknown): string {
  const [first] = [...Value.Errors(PAYLOAD_SCHEMAS[name], payload)];
  const where = first?.instancePath ? ` at ${first.instancePath}` : '';
  return `Invalid request for ${name}${where}: ${first?.message ?? 'unexpected value'}`;
}

/** Answers one call; exported for tests, which drive it like ipcMain would. */
export async function answer<K extends CallName>(deps: IpcDeps, name: K, event: IpcMainInvokeEvent, payload: unknown): Promise<Result<Results[K]>> {
  if (!deps.isTrustedSender(event)) return fail('forbidden-sender', 'This call is accepted only from the ScimDesk window');
  if (!Value.Check(PAYLOAD_SCHEMAS[name], payload)) return fail('invalid-payload', describeInvalid(name, payload));
  const state = await deps.controller();
  if ('failure' in state) return fail('startup-failed', state.failure);
  try {
    const value = await (HANDLERS[name] as Handler<K>)(state.controller, payload as Payloads[K], deps.shell);
    return { ok: true, value };
  } catch (err) {
    if (err instanceof ServiceError) return fail(err.code, err.message);
    deps.log?.(`IPC ${name} failed`, err);
    return fail('internal', 'Something went wrong in ScimDesk; the details are in its log');
  }
}

/** Registers every call of the contract; returns a function that removes them. */
export function registerIpc(deps: IpcDeps): () => void {
  const names = Object.keys(INVOKE_CHANNELS) as CallName[];
  for (const name of names) {
    deps.ipcMain.handle(INVOKE_CHANNELS[name], (event, payload: unknown) => answer(deps, name, event, payload));
  }
  return () => {
    for (const name of names) deps.ipcMain.removeHandler(INVOKE_CHANNELS[name]);
  };
}

/** Forwards the controller's events to the window; returns a function that stops forwarding. */
export function forwardEvents(controller: Controller, target: () => WebContents | undefined): () => void {
  const send = (channel: string, payload: unknown): void => {
    const wc = target();
    if (wc && !wc.isDestroyed()) wc.send(channel, payload);
  };
  // Every event of the contract, each on its channel: the controller's events are the contract's.
  const offs = (Object.keys(EVENT_CHANNELS) as (keyof EventPayloads)[]).map((event) => controller.on(event, (payload) => send(EVENT_CHANNELS[event], payload)));
  return () => offs.forEach((off) => off());
}
