/**
 * The CLI's side of the control channel (server/controller/control-socket.ts): one request to
 * the ScimDesk running on a data folder, its step events as they come, then its final answer.
 */
import { connect } from 'node:net';
import type { SimulationStep } from '../../contract/model';
import { CONTROL_VERSION, type ControlMessage, type ControlOperation } from '../controller/control-socket';

/** Nothing listens on the channel: no serve or desktop app runs on that data folder. */
export class NotRunningError extends Error {}

/** How long the server may stay silent (no step, no answer) before the CLI gives up. */
const SILENCE_LIMIT_MS = 120_000;
/** An answer line at most: a report of hundreds of steps, each with its request and response cut to 4 KiB. */
const ANSWER_LIMIT = 64 * 1024 * 1024;

type Final = Extract<ControlMessage, { type: 'report' | 'removed' | 'faults' }>;

/** Sends one request, calls onStep for each step event, and resolves with the final answer. */
export function controlRequest(path: string, request: ControlOperation, onStep: (step: SimulationStep) => void = () => {}): Promise<Final> {
  return new Promise<Final>((resolve, reject) => {
    const socket = connect({ path });
    let buffer = '';
    let settled = false;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      outcome();
    };
    socket.setEncoding('utf8');
    socket.setTimeout(SILENCE_LIMIT_MS, () => settle(() => reject(new Error(`the running ScimDesk did not answer for ${SILENCE_LIMIT_MS / 1000} seconds`))));
    socket.on('connect', () => socket.write(`${JSON.stringify({ v: CONTROL_VERSION, ...request })}\n`));
    socket.on('error', (err: NodeJS.ErrnoException) =>
      settle(() => reject(err.code === 'ENOENT' || err.code === 'ECONNREFUSED' ? new NotRunningError(err.message) : new Error(`the control channel failed: ${err.message}`))),
    );
    socket.on('close', () => settle(() => reject(new Error('the running ScimDesk closed the control channel without an answer (was it stopped?)'))));
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      if (buffer.length > ANSWER_LIMIT) return settle(() => reject(new Error('the answer on the control channel is too large')));
      let end: number;
      while (!settled && (end = buffer.indexOf('\n')) !== -1) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 1);
        let message: ControlMessage;
        try {
          message = JSON.parse(line) as ControlMessage;
        } catch {
          return settle(() => reject(new Error('the running ScimDesk answered something that is not JSON')));
        }
        if (message.v !== CONTROL_VERSION) return settle(() => reject(new Error(`the running ScimDesk speaks control protocol version ${String(message.v)}, this CLI ${CONTROL_VERSION}: update both to the same version`)));
        if (message.type === 'step') onStep(message.step);
        // A typed error: its message is a sentence for the user.
        else if (message.type === 'error') settle(() => reject(new Error(message.message)));
        else settle(() => resolve(message));
      }
    });
  });
}
