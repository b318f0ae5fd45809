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

/**
 * Development only (npm run dev, served by Vite): React's hot reload injects an inline
 * preamble script and talks to Vite over a websocket. Never used for a built app.
 */
export const DEV_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace(
  "connect-src 'self'",
  "connect-src 'self' ws://localhost:* ws://127.0.0.1:*",
);
