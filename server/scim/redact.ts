/**
 * Redaction for anything recorded about a request (activity log): passwords and anything
 * named like a secret are replaced, in plain attributes and in PATCH operations whose path
 * names one, and long bodies are cut.
 */
import { type Json, isObject } from './resource';

export const REDACTED = '[redacted]';
/** A secret-named key, also URN-qualified ("urn:…:User:password"). */
const SECRET_KEY = /(^|:)(password|passwd|pwd|secret|token|access_?token|refresh_?token|client_?secret|authorization|api_?key)$/i;

function isSecretPath(path: unknown): boolean {
  return typeof path === 'string' && /(^|[.:\s[])(password|secret|token)\b/i.test(path);
}

/** Deeper than this, a value is kept as a marker: no SCIM resource nests half as deep, and a
 * body of 20 000 nested arrays must not overflow the stack of whoever records it. */
const MAX_DEPTH = 32;
export const TOO_DEEP = '[nested too deep to keep]';

/** True for an attribute named like a secret (password, token…), URN-qualified or not. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

export function redact(value: unknown, depth = 0): unknown {
  if (depth >= MAX_DEPTH && typeof value === 'object' && value !== null) return TOO_DEEP;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (!isObject(value)) return value;
  const pathKey = Object.keys(value).find((k) => k.toLowerCase() === 'path');
  const secretOp = pathKey !== undefined && isSecretPath(value[pathKey]);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (SECRET_KEY.test(k) || (secretOp && k.toLowerCase() === 'value')) out[k] = REDACTED;
    else out[k] = redact(v as Json, depth + 1);
  }
  return out;
}

/** A secret-named string member in JSON text; the string may be cut off at the end of the text. */
const SECRET_MEMBER = /("(?:[^"\\]*:)?(?:password|passwd|pwd|secret|token|access_?token|refresh_?token|client_?secret|authorization|api_?key)"\s*:\s*)"(?:[^"\\]|\\.)*(?:"|$)/gi;

/** Query parameters that carry secrets, and anything shaped like a ScimDesk token. */
const SECRET_PARAM = /([?&](?:password|passwd|pwd|secret|token|access_?token|refresh_?token|client_?secret|api_?key)=)[^&#]*/gi;
const TOKEN_SHAPE = /scimdesk_[A-Za-z0-9_-]{20,}/g;

/** Text with anything shaped like a ScimDesk token masked (an id, a detail echoing a path…). */
export function maskTokenShapes(text: string): string {
  return text.includes('scimdesk_') ? text.replace(TOKEN_SHAPE, REDACTED) : text;
}

/** A URL (path and query) with secret-named parameters and token-shaped text masked. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_PARAM, `$1${REDACTED}`).replace(TOKEN_SHAPE, REDACTED);
}

/** Text cut to `maxChars`, saying how much was not kept. */
function cut(text: string, maxChars: number): string {
  return text.length > maxChars ? `${text.slice(0, maxChars)}… [${text.length - maxChars} more characters not kept]` : text;
}

/**
 * Redacted text for the record. Parsed bodies are redacted structurally; JSON text (responses,
 * which never carry secrets, kept as a second line of defence) is cut first and then has any
 * secret-named member masked, so the cost does not depend on the size of the response.
 */
export function redactedText(body: unknown, maxChars: number): string | null {
  if (body === undefined || body === null || body === '') return null;
  if (typeof body === 'string') return cut(body, maxChars).replace(SECRET_MEMBER, `$1"${REDACTED}"`);
  return cut(JSON.stringify(redact(body)), maxChars);
}
