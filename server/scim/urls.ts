/** Where SCIM lives under a server's public URL (RFC 7644 §3.13 leaves the prefix to the service). */

export const SCIM_PREFIX = '/scim/v2';

/** The SCIM base URL for a public URL such as https://acme.loca.lt. */
export function scimBaseUrl(publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${SCIM_PREFIX}`;
}
