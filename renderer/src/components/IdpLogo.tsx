/**
 * Marks for the identity providers, drawn here (no external images): Okta's ring and Entra
 * ID's pyramid, each on a soft tile. Decorative: the provider's name is always next to them.
 */
import { useId } from 'react';
import type { ConnectionName } from '../../../contract/connections';

export function IdpLogo({ connection, size = 40 }: { connection: ConnectionName | string; size?: number }) {
  const id = useId();
  if (connection === 'okta') {
    return (
      <svg className="idp-logo idp-logo-okta" width={size} height={size} viewBox="0 0 40 40" aria-hidden="true" focusable="false">
        <rect width="40" height="40" rx="10" fill="#EEF4FB" />
        <circle cx="20" cy="20" r="9.5" fill="none" stroke="#00297A" strokeWidth="5.5" />
      </svg>
    );
  }
  if (connection === 'entra') {
    return (
      <svg className="idp-logo idp-logo-entra" width={size} height={size} viewBox="0 0 40 40" aria-hidden="true" focusable="false">
        <defs>
          <linearGradient id={`${id}-a`} x1="0" y1="0" x2="1" y2="1">
            <stop offset="0" stopColor="#50E6FF" />
            <stop offset="1" stopColor="#0078D4" />
          </linearGradient>
          <linearGradient id={`${id}-b`} x1="1" y1="0" x2="0" y2="1">
            <stop offset="0" stopColor="#1490DF" />
            <stop offset="1" stopColor="#0A4A9C" />
          </linearGradient>
        </defs>
        <rect width="40" height="40" rx="10" fill="#EEF6FD" />
        <path d="M20 7 8 24.5 20 33Z" fill={`url(#${id}-a)`} />
        <path d="M20 7 32 24.5 20 33Z" fill={`url(#${id}-b)`} />
        <path d="M20 22.5 8 24.5 20 33 32 24.5Z" fill="#FFFFFF" fillOpacity="0.28" />
      </svg>
    );
  }
  return (
    <span className="idp-logo idp-logo-generic" aria-hidden="true">
      {connection.slice(0, 1).toUpperCase()}
    </span>
  );
}
