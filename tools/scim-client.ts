/** A minimal SCIM client over real HTTP (fetch), the way an IdP talks to the server. */
import { Agent } from 'node:http';
import { publicFetch } from './public-fetch';

export interface ScimResponse<T = any> {
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON body (undefined when empty). */
  readonly body: T;
  readonly text: string;
}

export interface RequestOptions {
  readonly headers?: Record<string, string>;
  /** A raw body string (sent as-is) instead of JSON. */
  readonly raw?: string;
}

export const OKTA_HEADERS = {
  'user-agent': 'Okta SCIM Client 1.0.0',
  accept: 'application/scim+json',
  'content-type': 'application/scim+json; charset=utf-8',
};

export interface ClientOptions {
  /**
   * Reuse connections (keep-alive) to a public `*.localhost` tunnel URL, as an IdP's HTTP client
   * does; by default each request opens its own, so a test that restarts servers never meets a
   * stale socket.
   */
  readonly keepAlive?: boolean;
}

export class ScimClient {
  private readonly agent: Agent | undefined;

  constructor(
    readonly base: string,
    readonly authorization: string | undefined,
    readonly defaultHeaders: Record<string, string> = OKTA_HEADERS,
    readonly options: ClientOptions = {},
  ) {
    this.agent = options.keepAlive ? new Agent({ keepAlive: true }) : undefined;
  }

  async request<T = any>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<ScimResponse<T>> {
    const headers: Record<string, string> = { ...this.defaultHeaders };
    if (this.authorization !== undefined) headers['authorization'] = this.authorization;
    Object.assign(headers, options.headers);
    for (const [k, v] of Object.entries(headers)) if (v === '') delete headers[k];
    const payload = options.raw ?? (body === undefined ? undefined : JSON.stringify(body));
    const res = await publicFetch(`${this.base}${path}`, { method, headers, ...(payload !== undefined ? { body: payload } : {}) }, this.agent);
    const text = await res.text();
    let parsed: unknown;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
    }
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }

  get<T = any>(path: string, options?: RequestOptions): Promise<ScimResponse<T>> {
    return this.request<T>('GET', path, undefined, options);
  }
  post<T = any>(path: string, body?: unknown, options?: RequestOptions): Promise<ScimResponse<T>> {
    return this.request<T>('POST', path, body, options);
  }
  put<T = any>(path: string, body?: unknown, options?: RequestOptions): Promise<ScimResponse<T>> {
    return this.request<T>('PUT', path, body, options);
  }
  patch<T = any>(path: string, body?: unknown, options?: RequestOptions): Promise<ScimResponse<T>> {
    return this.request<T>('PATCH', path, body, options);
  }
  delete<T = any>(path: string, options?: RequestOptions): Promise<ScimResponse<T>> {
    return this.request<T>('DELETE', path, undefined, options);
  }
}

// The IdP side's URNs and PatchOp envelope: one copy, the simulator's (tests play the IdP too).
export { ENTERPRISE, GROUP_SCHEMA, PATCH_OP, USER_SCHEMA, patchOp } from '../server/simulator/idp/shapes';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
