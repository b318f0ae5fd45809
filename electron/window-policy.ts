/**
 * The window's Content Security Policy, apart from window.ts so that code without Electron
 * (the browser tests' static server) can serve the same one. Also declared as a <meta> in
 * renderer/index.html, since pages loaded from file:// have no response headers.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
