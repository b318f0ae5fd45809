/**
 * The tunnel subdomain rule, in one place: the core enforces it and the panel checks it before
 * saving and states it in the field's hint, so the three cannot disagree.
 */

/** The localtunnel server's own rule (capped at 63, a DNS label): a–z and 0–9, 4–63 long; with "-" inside, 6–63 long. */
const SUBDOMAIN_PATTERN = /^(?:[a-z0-9][a-z0-9-]{4,61}[a-z0-9]|[a-z0-9]{4,63})$/;

export const SUBDOMAIN_RULE = '4 to 63 characters of a–z and 0–9 (a name with "-" needs at least 6, and no "-" at the start or end)';

/** Why `name` is not a valid subdomain, or null when it is (case and surrounding spaces do not count). */
export function subdomainProblem(name: string): string | null {
  return SUBDOMAIN_PATTERN.test(name.trim().toLowerCase()) ? null : `The subdomain "${name}" is not valid: use ${SUBDOMAIN_RULE}`;
}
