// Served as a phone needs it: the build's brotli and gzip copies (public/precompress.mjs) and the server of
// `make serve` (tools/serve.mjs, npm http-server 14). Checks the copies in dist/ (each decodes to its file,
// the service worker lists none), the encodings and cache headers the server sends, and that the app loads
// and works from it under a sub-path, with the service worker, in Chromium. Needs a release build (dist/).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, extname, relative } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { request } from 'node:http';
import { DIST, launch, newPage, offlineReady, shot } from './harness.mjs';
import { start, IMMUTABLE, REVALIDATE } from '../../tools/serve.mjs';
import { COMPRESSIBLE, compressions } from '../../public/precompress.mjs';

const BASE = '/sub/dvk/';
let srv;
before(async () => { srv = await start({ dir: DIST, port: 0, base: BASE }); });
after(async () => { await srv?.close(); });

function files(dir = DIST) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else out.push(relative(DIST, p).split('\\').join('/'));
  }
  return out;
}

/** GET `path` (under the base) with `headers`; resolves to { status, headers, body (bytes as sent) }. */
function get(path, headers = {}) {
  return new Promise((ok, fail) => {
    const req = request(new URL(path, srv.url), { headers }, (res) => {
      const parts = [];
      res.on('data', (d) => parts.push(d));
      res.on('end', () => ok({ status: res.statusCode, headers: res.headers, body: Buffer.concat(parts) }));
    });
    req.on('error', fail);
    req.end();
  });
}

const decode = (r) => (r.headers['content-encoding'] === 'br' ? brotliDecompressSync(r.body)
  : r.headers['content-encoding'] === 'gzip' ? gunzipSync(r.body) : r.body);

test('the build writes a brotli and a gzip copy beside every text and wasm file, each its file, none in the worker', () => {
  const all = files();
  const originals = all.filter((f) => !/\.(br|gz)$/.test(f));
  const compressible = originals.filter((f) => COMPRESSIBLE.has(extname(f)));
  assert.ok(compressible.some((f) => f.endsWith('_bg.wasm')) && compressible.includes('index.html') && compressible.includes('sw.js'));
  for (const f of compressible) {
    const raw = readFileSync(join(DIST, f));
    for (const [suffix, un] of [['.br', brotliDecompressSync], ['.gz', gunzipSync]]) {
      const copy = join(DIST, f + suffix);
      if (!existsSync(copy)) {
        // Only where it would not help (under 5% smaller), which none of the app's code is.
        assert.ok(compressions(raw)[suffix].length > raw.length * 0.95, `${f}${suffix} missing`);
        assert.ok(raw.length < 1024 || !/\.(wasm|js|css|html)$/.test(f), `${f}${suffix} missing`);
        continue;
      }
      const z = readFileSync(copy);
      assert.ok(un(z).equals(raw), `${f}${suffix} decodes to ${f}`);
      assert.ok(z.length < raw.length, `${f}${suffix} is smaller`);
    }
  }
  for (const f of all.filter((f) => /\.(br|gz)$/.test(f))) {
    assert.ok(originals.includes(f.slice(0, -3)), `${f} is the copy of a file`);
    assert.ok(COMPRESSIBLE.has(extname(f.slice(0, -3))), `${f}: only text and wasm are copied`);
  }
  const wasm = compressible.find((f) => f.endsWith('_bg.wasm'));
  assert.ok(statSync(join(DIST, wasm + '.br')).size < statSync(join(DIST, wasm)).size * 0.4, 'brotli shrinks the wasm well');
  const sw = readFileSync(join(DIST, 'sw.js'), 'utf8');
  const assets = JSON.parse(sw.match(/\[\s*"\.\/"[^\]]*\]/)[0]);
  assert.ok(assets.includes(`./${wasm}`), 'the worker precaches the wasm');
  assert.deepEqual(assets.filter((a) => /\.(br|gz)$/.test(a)), [], 'the worker lists no compressed copy');
});

test('make serve sends the brotli copy, else the gzip one, else the file, with its own type and Vary', async () => {
  const wasm = files().find((f) => f.endsWith('_bg.wasm'));
  const raw = readFileSync(join(DIST, wasm));
  const br = await get(wasm, { 'accept-encoding': 'gzip, deflate, br' });
  assert.equal(br.status, 200);
  assert.equal(br.headers['content-encoding'], 'br');
  assert.equal(br.headers['content-type'], 'application/wasm', 'served as wasm, so instantiateStreaming takes it');
  assert.match(br.headers.vary || '', /accept-encoding/i);
  assert.equal(br.body.length, statSync(join(DIST, wasm + '.br')).size, 'the copy as written, not compressed again');
  assert.ok(decode(br).equals(raw));
  const gz = await get(wasm, { 'accept-encoding': 'gzip' });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.ok(decode(gz).equals(raw));
  const plain = await get(wasm, {});
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.ok(plain.body.equals(raw));
  const js = files().find((f) => /^dvk-registry-[0-9a-f]+\.js$/.test(f));
  const jsBr = await get(js, { 'accept-encoding': 'br' });
  assert.equal(jsBr.headers['content-encoding'], 'br');
  assert.match(jsBr.headers['content-type'], /javascript/);
  const css = files().find((f) => f.endsWith('.css'));
  assert.match((await get(css, { 'accept-encoding': 'br' })).headers['content-type'], /text\/css/);
});

test('make serve caches hashed files for a year and makes index.html and sw.js revalidate', async () => {
  const index = await get('', { 'accept-encoding': 'br' });
  assert.equal(index.status, 200);
  assert.equal(index.headers['content-encoding'], 'br', 'the sub-path itself gets index.html, compressed');
  assert.equal(index.headers['cache-control'], REVALIDATE);
  assert.ok(decode(index).equals(readFileSync(join(DIST, 'index.html'))));
  assert.equal((await get('index.html', { 'accept-encoding': 'gzip' })).headers['cache-control'], REVALIDATE);
  const sw = await get('sw.js', { 'accept-encoding': 'br' });
  assert.equal(sw.headers['cache-control'], REVALIDATE);
  assert.equal(sw.headers['content-encoding'], 'br');
  for (const f of files().filter((f) => !/\.(br|gz)$/.test(f))) {
    const r = await get(f.split('/').map(encodeURIComponent).join('/'), { 'accept-encoding': 'br' });
    assert.equal(r.status, 200, f);
    const isHashed = /-[0-9a-f]{12,}(_bg)?\.[a-z]+$/.test(f) || /^snippets\/[^/]+-[0-9a-f]{12,}\//.test(f);
    assert.equal(r.headers['cache-control'], isHashed ? IMMUTABLE : REVALIDATE, f);
  }
  assert.ok(files().filter((f) => /-[0-9a-f]{12,}(_bg)?\.(wasm|js|css)$/.test(f)).length >= 4, 'the code and the chunks are hashed');
  const again = await get('index.html', { 'accept-encoding': 'br', 'if-none-match': index.headers.etag });
  assert.equal(again.status, 304, 'revalidating an unchanged index.html costs no body');
  assert.equal((await get('/dvk/index.html')).status, 404, 'nothing outside the sub-path');
  const bare = await get(BASE.slice(0, -1));
  assert.equal(bare.status, 301);
  assert.equal(bare.headers.location, BASE);
});

test('the app loads from make serve under a sub-path, compressed, and works offline after', async () => {
  const ctx = await launch();
  try {
    const page = await newPage(ctx);
    const encodings = new Map();
    page.on('response', (r) => {
      const u = new URL(r.url());
      if (u.pathname.startsWith(BASE)) encodings.set(u.pathname.slice(BASE.length) || 'index.html', r.headers()['content-encoding']);
    });
    await page.goto(`${srv.url}#/`);
    await page.waitForSelector('main h1', { timeout: 60_000 });
    const wasm = [...encodings.keys()].find((f) => f.endsWith('_bg.wasm'));
    assert.ok(wasm, 'the wasm was fetched');
    assert.equal(encodings.get(wasm), 'br', 'the wasm travelled as brotli');
    assert.equal(encodings.get('index.html'), 'br');
    await page.goto(`${srv.url}#/models`);
    await page.waitForSelector('main h1', { timeout: 30_000 });
    await offlineReady(page);
    await shot(page, 'served-subpath-360');
    await srv.close();
    await page.reload();
    await page.waitForSelector('main h1', { timeout: 30_000 });
    assert.deepEqual(page.errors.filter((e) => !/Failed to load resource|ERR_CONNECTION_REFUSED/.test(e)), []);
  } finally {
    await ctx.close();
    srv = await start({ dir: DIST, port: 0, base: BASE });
  }
});
