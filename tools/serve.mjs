// `make serve`: serves a release build (dist/) the way a phone should get it, with npm's `http-server` 14
// (pinned in tests/e2e/package.json):
//   - the brotli or gzip copy the build wrote beside each file (public/precompress.mjs) when the browser
//     accepts it (`--brotli --gzip`), with `Vary: Accept-Encoding`;
//   - files whose name carries a content hash cached for a year (`immutable`); everything else (index.html,
//     sw.js, the manifest, the icons, the QR reader) `no-cache`, so a new deployment is seen at once;
//   - under a sub-path (`--base /dvk/`), as the app must work from any folder of any server; other paths
//     are 404, as on a shared host.
//
//   node tools/serve.mjs [--dir dist] [--port 8080] [--host 127.0.0.1] [--base /]
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(new URL('../tests/e2e/package.json', import.meta.url));
const httpServer = require('http-server');

/** A year, for files whose name changes with their content. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';

/** Whether the path names a file whose name carries its content's hash (Trunk's `-<hex>` and the split's
 * chunks, the snippets' folder). */
export const hashed = (pathname) => /-[0-9a-f]{12,}(?:_bg)?\.[a-z]+$|\/snippets\/[^/]+-[0-9a-f]{12,}\//.test(pathname);

/** Starts the server; resolves to `{ url, port, close }`. `base` is the sub-path, with slashes both ends. */
export async function start({ dir = 'dist', port = 8080, host = '127.0.0.1', base = '/' } = {}) {
  if (!base.startsWith('/')) base = '/' + base;
  if (!base.endsWith('/')) base += '/';
  const strip = (req, res) => {
    const [path, query = ''] = req.url.split(/\?(.*)/s);
    if (path === base.slice(0, -1)) {
      res.writeHead(301, { location: base + (query ? '?' + query : '') });
      res.end();
      return false;
    }
    if (!path.startsWith(base)) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return false;
    }
    req.url = '/' + req.url.slice(base.length);
    return true;
  };
  const server = httpServer.createServer({
    root: resolve(dir),
    brotli: true,
    gzip: true,
    cache: (pathname) => (hashed(pathname) ? IMMUTABLE : REVALIDATE),
    headers: { Vary: 'Accept-Encoding' },
    showDir: 'false',
    autoIndex: 'true',
    before: [(req, res) => { if (strip(req, res)) res.emit('next'); }],
  });
  await new Promise((ok, fail) => {
    server.server.once('error', fail);
    server.listen(port, host, ok);
  });
  const actual = server.server.address().port;
  return {
    url: `http://${host}:${actual}${base}`,
    port: actual,
    close: () => new Promise((ok) => { server.server.closeAllConnections?.(); server.server.close(() => ok()); }),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name, dflt) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : dflt; };
  const srv = await start({ dir: opt('dir', 'dist'), port: Number(opt('port', 8080)), host: opt('host', '127.0.0.1'), base: opt('base', '/') });
  console.log(`Serving ${opt('dir', 'dist')} on ${srv.url} (brotli/gzip copies, long cache for hashed files; Ctrl+C to stop)`);
  const stop = () => srv.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
