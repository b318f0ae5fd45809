/**
 * Preloaded (`node --import`) into tools that may try to reach the internet on their own, such as
 * electronegativity's optional download of Electron's release list: every host name other
 * than localhost fails to resolve at once, so no request leaves this machine and the tool
 * carries on offline (the Electron version is given to it explicitly).
 */
import dns from 'node:dns';

const LOCAL = new Set(['localhost', '127.0.0.1', '::1']);
const refuse = (hostname) => Object.assign(new Error(`offline: ${hostname} is not resolved`), { code: 'ENOTFOUND', hostname });

const lookup = dns.lookup;
dns.lookup = function offlineLookup(hostname, options, callback) {
  const cb = typeof options === 'function' ? options : callback;
  if (!LOCAL.has(String(hostname))) return process.nextTick(cb, refuse(hostname));
  return lookup.call(this, hostname, options, callback);
};
const promisesLookup = dns.promises.lookup;
dns.promises.lookup = async (hostname, options) => {
  if (!LOCAL.has(String(hostname))) throw refuse(hostname);
  return promisesLookup(hostname, options);
};
