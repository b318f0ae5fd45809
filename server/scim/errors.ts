/**
 * The one SCIM error type. Every failure a client can see is a ScimError; its body follows
 * RFC 7644 §3.12. Anything else thrown below the HTTP layer becomes a generic 500.
 */

export const ERROR_URN = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** RFC 7644 §3.12, Table 9. */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

export interface ScimErrorBody {
  schemas: [typeof ERROR_URN];
  status: string;
  scimType?: ScimType;
  detail: string;
}

export class ScimError extends Error {
  readonly status: number;
  readonly scimType: ScimType | undefined;
  /** Extra response headers (e.g. WWW-Authenticate, Retry-After). */
  readonly headers: Readonly<Record<string, string>>;

  private constructor(status: number, scimType: ScimType | undefined, detail: string, headers: Record<string, string> = {}) {
    super(detail);
    this.name = 'ScimError';
    this.status = status;
    this.scimType = scimType;
    this.headers = headers;
  }

  get detail(): string {
    return this.message;
  }

  toBody(): ScimErrorBody {
    return {
      schemas: [ERROR_URN],
      status: String(this.status),
      ...(this.scimType ? { scimType: this.scimType } : {}),
      detail: this.message,
    };
  }

  /** The same error with another detail (a 500's internals are replaced before they reach a client). */
  withDetail(detail: string): ScimError {
    return new ScimError(this.status, this.scimType, detail, { ...this.headers });
  }

  // One named constructor per status in use. The pairs follow RFC 7644 §3.12: 400s carry a
  // scimType, the others do not.
  static invalidFilter(detail: string): ScimError {
    return new ScimError(400, 'invalidFilter', detail);
  }
  static invalidSyntax(detail: string): ScimError {
    return new ScimError(400, 'invalidSyntax', detail);
  }
  static invalidValue(detail: string): ScimError {
    return new ScimError(400, 'invalidValue', detail);
  }
  static invalidPath(detail: string): ScimError {
    return new ScimError(400, 'invalidPath', detail);
  }
  static noTarget(detail: string): ScimError {
    return new ScimError(400, 'noTarget', detail);
  }
  static mutability(detail: string): ScimError {
    return new ScimError(400, 'mutability', detail);
  }
  static unauthorized(detail: string): ScimError {
    return new ScimError(401, undefined, detail, { 'www-authenticate': 'Bearer realm="ScimDesk"' });
  }
  static forbidden(detail: string): ScimError {
    return new ScimError(403, undefined, detail);
  }
  static notFound(detail: string): ScimError {
    return new ScimError(404, undefined, detail);
  }
  static requestTimeout(detail: string): ScimError {
    return new ScimError(408, undefined, detail);
  }
  static uniqueness(detail: string): ScimError {
    return new ScimError(409, 'uniqueness', detail);
  }
  static preconditionFailed(detail: string): ScimError {
    return new ScimError(412, undefined, detail);
  }
  static payloadTooLarge(detail: string): ScimError {
    return new ScimError(413, undefined, detail);
  }
  static unsupportedMediaType(detail: string): ScimError {
    return new ScimError(415, undefined, detail);
  }
  static tooManyRequests(detail: string, retryAfterSeconds: number): ScimError {
    return new ScimError(429, undefined, detail, { 'retry-after': String(retryAfterSeconds) });
  }
  static headersTooLarge(detail: string): ScimError {
    return new ScimError(431, undefined, detail);
  }
  /** Another 4xx the HTTP framework met (its status passes through). */
  static clientError(status: number, detail: string): ScimError {
    return new ScimError(status, undefined, detail);
  }
  static internal(detail: string): ScimError {
    return new ScimError(500, undefined, detail);
  }
  static notImplemented(detail: string): ScimError {
    return new ScimError(501, undefined, detail);
  }
  static unavailable(detail: string, retryAfterSeconds: number): ScimError {
    return new ScimError(503, undefined, detail, { 'retry-after': String(retryAfterSeconds) });
  }
}
