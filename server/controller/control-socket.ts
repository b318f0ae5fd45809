/**
 * The local control channel: how a CLI process asks the running ScimDesk (`serve` or the desktop
 * app) on the same data folder to do what only it can — run a simulation (the run needs the
 * SCIM server, the tunnel and a credential held in that process's memory only) or remove the
 * simulated records through the core it owns.
 *
 * A Unix domain socket in the data folder (Windows: a named pipe derived from the folder's
 * path), never a TCP port: nothing on the network can reach it. Access control is the file
 * system's: the socket is 0600 inside the 0700 data folder, so no secret is written anywhere.
 *
 * Protocol (JSON lines, one request per connection):
 *   client → {"v":1,"op":"simulate","options":{…PAYLOAD_SCHEMAS.simulate}} | {"v":1,"op":"remove-simulated"}
 *          | {"v":1,"op":"fault-arm","options":{…PAYLOAD_SCHEMAS.armFaultDrill}} | {"v":1,"op":"fault-clear","connection":"okta"}
 *   server → {"v":1,"type":"step","step":…}* then {"v":1,"type":"report","report":…}
 *          | {"v":1,"type":"removed","removed":{"users":N,"groups":N}}
 *          | {"v":1,"type":"faults","drills":[FaultDrill…]} (the drills armed after the change)
 *          | {"v":1,"type":"error","code":ControlErrorCode,"message":"one sentence"}
 * and the server ends the connection. A request line over REQUEST_LIMIT bytes, one that is not
 * JSON or not one of the above, or one that does not arrive within the request timeout gets a
 * typed error; the serving process goes on.
 */
import { createHash } from 'node:crypto';
import { chmodSync, lstatSync, rmSync } from 'node:fs';
import { type Server, type Socket, connect, createServer } from 'node:net';
import { join } from 'node:path';
import { MAX_SIMULATED_USERS, SIMULATION_ROUTES, SIMULATION_SCENARIOS } from '../../contract/choices';
import { type ConnectionName, isConnectionName } from '../../contract/connections';
import type { FaultDrill, SimulationReport, SimulationStep } from '../../contract/model';
import { type ArmFaultOptions, isArmFaultOptions } from './fault-control';
import type { Payloads } from '../../contract/ipc';

export const CONTROL_VERSION = 1;
/** A request is a few hundred bytes; anything much longer is not a request. */
export const REQUEST_LIMIT = 4096;
/** How long a connection may take to send its request line. */
const REQUEST_TIMEOUT_MS = 5_000;
/** Simultaneous control connections at most (one CLI at a time is the normal case). */
const MAX_CLIENTS = 8;

export type SimulateOptions = Payloads['simulate'];
export type RemovedCounts = { readonly users: number; readonly groups: number };

/** What a client asks (the request line adds the version). */
export type ControlOperation =
  | { readonly op: 'simulate'; readonly options: SimulateOptions }
  | { readonly op: 'remove-simulated' }
  | { readonly op: 'fault-arm'; readonly options: ArmFaultOptions }
  | { readonly op: 'fault-clear'; readonly connection: ConnectionName };
export type ControlRequest = ControlOperation & { readonly v: number };

export type ControlErrorCode = 'bad-request' | 'too-large' | 'unsupported-version' | 'timeout' | 'busy' | 'refused' | 'failed';

export type ControlMessage =
  | { readonly v: number; readonly type: 'step'; readonly step: SimulationStep }
  | { readonly v: number; readonly type: 'report'; readonly report: SimulationReport }
  | { readonly v: number; readonly type: 'removed'; readonly removed: RemovedCounts }
  | { readonly v: number; readonly type: 'faults'; readonly drills: readonly FaultDrill[] }
  | { readonly v: number; readonly type: 'error'; readonly code: ControlErrorCode; readonly message: string };

/** What the channel does for its clients: the running controller's methods. */
export interface ControlHandlers {
  simulate(options: SimulateOptions, onStep: (step: SimulationStep) => void): Promise<SimulationReport>;
  removeSimulated(): Promise<RemovedCounts> | RemovedCounts;
  /** Arms (or replaces) a fault drill, or ends one; both answer the drills armed now. */
  armFault(options: ArmFaultOptions): readonly FaultDrill[];
  clearFault(connection: ConnectionName): readonly FaultDrill[];
  /** An error whose message is a sentence for the user (a ServiceError); any other is "failed" without details. */
  explain(err: unknown): { code: ControlErrorCode; message: string } | null;
}

/**
 * Where the channel of the ScimDesk running on `dataDir` listens. Windows has no sockets in
 * folders: a named pipe whose name is derived from the folder's full path.
 */
export function controlSocketPath(dataDir: string, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return `\\\\.\\pipe\\scimdesk-${createHash('sha256').update(dataDir.toLowerCase()).digest('hex').slice(0, 32)}`;
  return join(dataDir, 'control.sock');
}

/** The simulate payload's schema (contract/schemas.ts), checked by hand: server/ does not load TypeBox. */
function isSimulateOptions(value: unknown): value is SimulateOptions {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const o = value as Record<string, unknown>;
  const known = ['connection', 'scenario', 'through', 'users'];
  return (
    Object.keys(o).every((k) => known.includes(k)) &&
    isConnectionName(o['connection']) &&
    (o['scenario'] === undefined || (SIMULATION_SCENARIOS as readonly unknown[]).includes(o['scenario'])) &&
    (o['through'] === undefined || (SIMULATION_ROUTES as readonly unknown[]).includes(o['through'])) &&
    (o['users'] === undefined || (Number.isInteger(o['users']) && (o['users'] as number) >= 1 && (o['users'] as number) <= MAX_SIMULATED_USERS))
  );
}

function parseRequest(line: string): ControlRequest | ControlMessage {
  const error = (code: ControlErrorCode, message: string): ControlMessage => ({ v: CONTROL_VERSION, type: 'error', code, message });
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return error('bad-request', 'The request is not JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return error('bad-request', 'The request is not a JSON object.');
  const request = value as Record<string, unknown>;
  if (request['v'] !== CONTROL_VERSION) return error('unsupported-version', `This ScimDesk speaks control protocol version ${CONTROL_VERSION}; update the CLI and the app to the same version.`);
  if (request['op'] === 'remove-simulated') return { v: CONTROL_VERSION, op: 'remove-simulated' };
  if (request['op'] === 'simulate') {
    const options = request['options'];
    if (!isSimulateOptions(options)) return error('bad-request', 'The simulation options are not valid.');
    return { v: CONTROL_VERSION, op: 'simulate', options };
  }
  if (request['op'] === 'fault-arm') {
    const options = request['options'];
    if (!isArmFaultOptions(options)) return error('bad-request', 'The fault drill options are not valid.');
    return { v: CONTROL_VERSION, op: 'fault-arm', options };
  }
  if (request['op'] === 'fault-clear') {
    const connection = request['connection'];
    if (!isConnectionName(connection)) return error('bad-request', 'The connection is not okta or entra.');
    return { v: CONTROL_VERSION, op: 'fault-clear', connection };
  }
  return error('bad-request', 'Unknown operation.');
}

export class ControlSocket {
  private clients = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly path: string,
  ) {}

  /**
   * Listens on the data folder's control path; a socket file left by a process that is gone is
   * replaced, a live one (another ScimDesk on this folder) is not: that one stays reachable.
   */
  static async listen(dataDir: string, handlers: ControlHandlers): Promise<ControlSocket> {
    const path = controlSocketPath(dataDir);
    if (process.platform !== 'win32') await removeStale(path);
    const server = createServer({ allowHalfOpen: false });
    const channel = new ControlSocket(server, path);
    server.maxConnections = MAX_CLIENTS;
    server.on('connection', (socket) => channel.serve(socket, handlers));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // A path, never a port: the channel cannot be reached from the network.
      server.listen({ path, exclusive: true }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    // The 0700 data folder already keeps others out; the socket itself is owner-only too.
    if (process.platform !== 'win32') chmodSync(path, 0o600);
    return channel;
  }

  private serve(socket: Socket, handlers: ControlHandlers): void {
    this.clients.add(socket);
    socket.on('close', () => this.clients.delete(socket));
    socket.on('error', () => socket.destroy()); // the client went away: nothing to tell it
    socket.setEncoding('utf8');
    const send = (message: ControlMessage): void => {
      if (!socket.destroyed && socket.writable) socket.write(`${JSON.stringify(message)}\n`);
    };
    const fail = (code: ControlErrorCode, message: string): void => {
      send({ v: CONTROL_VERSION, type: 'error', code, message });
      socket.end();
    };
    let buffer = '';
    let received = false;
    socket.setTimeout(REQUEST_TIMEOUT_MS, () => {
      if (!received) fail('timeout', `No request arrived within ${REQUEST_TIMEOUT_MS / 1000} seconds.`);
    });
    socket.on('data', (chunk: string) => {
      if (received) return; // one request per connection: the rest is ignored
      buffer += chunk;
      const end = buffer.indexOf('\n');
      if (Buffer.byteLength(end === -1 ? buffer : buffer.slice(0, end)) > REQUEST_LIMIT) {
        received = true;
        fail('too-large', `The request is longer than ${REQUEST_LIMIT} bytes.`);
        return;
      }
      if (end === -1) return;
      received = true;
      socket.setTimeout(0); // a simulation takes as long as its steps (each step has its own limit)
      const request = parseRequest(buffer.slice(0, end));
      if ('type' in request) {
        send(request);
        socket.end();
        return;
      }
      void this.answer(request, handlers, send).finally(() => socket.end());
    });
  }

  private async answer(request: ControlRequest, handlers: ControlHandlers, send: (message: ControlMessage) => void): Promise<void> {
    try {
      if (request.op === 'simulate') {
        const report = await handlers.simulate(request.options, (step) => send({ v: CONTROL_VERSION, type: 'step', step }));
        send({ v: CONTROL_VERSION, type: 'report', report });
      } else if (request.op === 'fault-arm') {
        send({ v: CONTROL_VERSION, type: 'faults', drills: handlers.armFault(request.options) });
      } else if (request.op === 'fault-clear') {
        send({ v: CONTROL_VERSION, type: 'faults', drills: handlers.clearFault(request.connection) });
      } else {
        send({ v: CONTROL_VERSION, type: 'removed', removed: await handlers.removeSimulated() });
      }
    } catch (err) {
      // The user's sentence when there is one; never a stack trace or SQL.
      send({ v: CONTROL_VERSION, type: 'error', ...(handlers.explain(err) ?? { code: 'failed', message: 'The running ScimDesk could not do this; see its log.' }) });
    }
  }

  /** Stops listening, ends the connections and removes the socket file. */
  async close(): Promise<void> {
    for (const socket of this.clients) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    // Node removes the socket file on close; this covers a close that did not get to.
    if (process.platform !== 'win32') rmSync(this.path, { force: true });
  }
}

/** Removes a socket file nobody listens on (a process that died); leaves anything else. */
async function removeStale(path: string): Promise<void> {
  try {
    if (!lstatSync(path).isSocket()) return;
  } catch {
    return; // none
  }
  const alive = await new Promise<boolean>((resolve) => {
    const probe = connect({ path });
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (!alive) rmSync(path, { force: true });
}
