// The Content-Security-Policy of index.html (run by post-build.mjs): only the app's own files (scripts from
// 'self', WebAssembly compilation, Trunk's inline loader by its hash, which changes every build); connections
// to the app's own origin and, for sync, to a CouchDB: any https: server plus loopback for trials, or only
// the one origin a city fixes at build time (DVK_SYNC_ORIGIN, e.g. https://dvk.hue.gov.vn; `self` for a
// server under the app's own origin through a reverse proxy). Nothing else widens.
import { createHash } from 'node:crypto';

/** Where sync may connect: `syncOrigin` unset gives https: and loopback; an origin gives that one only. */
export function connectSources(syncOrigin) {
  const v = (syncOrigin ?? '').trim();
  if (v === '') return ["'self'", 'https:', 'http://127.0.0.1:*', 'http://localhost:*'];
  if (v === 'self') return ["'self'"];
  let url;
  try { url = new URL(v); } catch { url = null; }
  if (!url || !/^https?:$/.test(url.protocol) || url.origin !== v.replace(/\/$/, '')) {
    throw new Error(`DVK_SYNC_ORIGIN must be an origin such as https://dvk.hue.gov.vn (scheme, host, optional port, no path), or "self"; got "${v}"`);
  }
  return ["'self'", url.origin];
}

/** The policy for this `html` (its inline scripts' hashes); `syncOrigin` as in connectSources. */
export function contentSecurityPolicy(html, syncOrigin) {
  const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
  const hashes = inline.map((body) => `'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`);
  const policy = [
    "default-src 'self'",
    `script-src 'self' 'wasm-unsafe-eval' ${hashes.join(' ')}`.trim(),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    `connect-src ${connectSources(syncOrigin).join(' ')}`,
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'none'",
  ].join('; ');
  return { policy, hashes };
}

/** `html` with the policy's <meta> after its charset (unchanged if it already has one). */
export function withCsp(html, syncOrigin) {
  const { policy, hashes } = contentSecurityPolicy(html, syncOrigin);
  if (html.includes('http-equiv="Content-Security-Policy"')) return { html, policy, hashes };
  const out = html.replace('<meta charset="utf-8">', `<meta charset="utf-8">\n  <meta http-equiv="Content-Security-Policy" content="${policy}">`);
  return { html: out, policy, hashes };
}
