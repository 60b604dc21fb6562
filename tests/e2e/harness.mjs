// Test harness for the browser tests: a plain static server (no SPA fallback) that serves dist/ under a
// sub-path, and headless Debian Chromium driven by playwright-core. Page objects live in pages.mjs.
import { createServer } from 'node:http';
import { readFile, stat, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join, extname, normalize, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const DIST = process.env.DVK_DIST || join(here, '..', '..', 'dist');
export const SHOTS = join(here, 'screenshots');
export const PHONE = { width: 360, height: 740 };
export const DESKTOP = { width: 1280, height: 800 };

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
  '.wasm': 'application/wasm', '.json': 'application/json', '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml', '.png': 'image/png',
};

/** Serves `root` under `prefix` (e.g. "/dvk/"); anything else is a 404, as on a plain static host. */
export async function serve(root = DIST, prefix = '/dvk/') {
  let stopped = false;
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    if (stopped || !url.pathname.startsWith(prefix)) { res.writeHead(404); res.end('not found'); return; }
    let rel = decodeURIComponent(url.pathname.slice(prefix.length)) || 'index.html';
    if (rel.endsWith('/')) rel += 'index.html';
    const file = normalize(join(root, rel));
    if (!file.startsWith(normalize(root))) { res.writeHead(403); res.end(); return; }
    try {
      const s = await stat(file);
      if (!s.isFile()) throw new Error('not a file');
      res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream', 'cache-control': 'no-cache' });
      res.end(await readFile(file));
    } catch {
      res.writeHead(404); res.end('not found');
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  const base = `http://127.0.0.1:${port}${prefix}`;
  return {
    base,
    /** Stops listening, as if the network were gone (connections are refused). */
    async goDark() {
      stopped = true;
      server.closeAllConnections?.();
      await new Promise((r) => server.close(r));
    },
    /** Serves again, on the same address, after `goDark`. */
    async goLight() {
      if (!stopped) return;
      stopped = false;
      await new Promise((r) => server.listen(port, '127.0.0.1', r));
    },
    close: () => new Promise((r) => {
      if (stopped) { r(); return; }
      server.closeAllConnections?.();
      server.close(r);
    }),
  };
}

/**
 * A fresh headless Chromium profile; `options` go to playwright (e.g. `{ bypassCSP: true }`), `extraArgs` to
 * Chromium (e.g. a fake camera playing a file).
 */
export async function launch(options = {}, extraArgs = []) {
  const userDataDir = await mkdtemp(join(tmpdir(), 'dvk-chromium-'));
  const args = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', ...extraArgs];
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args, viewport: PHONE,
    serviceWorkers: 'allow', acceptDownloads: true, ...options,
  });
  // Closing the browser also removes its throw-away profile.
  const close = context.close.bind(context);
  context.close = async () => {
    await close();
    await rm(userDataDir, { recursive: true, force: true });
  };
  return context;
}

/** A fresh page at phone size that fails the test on any uncaught page error. */
export async function newPage(context, size = PHONE) {
  const page = await context.newPage();
  await page.setViewportSize(size);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.errors = errors;
  return page;
}

export async function shot(page, name) {
  await mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false });
}

/**
 * Waits until a service worker has finished installing (its cache is filled), is active and controls
 * the page. Polls from here: a predicate returning a promise is not awaited by waitForFunction.
 */
export async function offlineReady(page, timeout = 20_000) {
  const end = Date.now() + timeout;
  for (;;) {
    const ok = await page.evaluate(async () => {
      const reg = await navigator.serviceWorker.getRegistration();
      if (!reg || !reg.active || reg.active.state !== 'activated' || reg.installing || !navigator.serviceWorker.controller) return false;
      const keys = await caches.keys();
      for (const k of keys) if ((await (await caches.open(k)).keys()).length > 0) return true;
      return false;
    }).catch(() => false);
    if (ok) return;
    if (Date.now() > end) throw new Error('the service worker did not take control in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The entries of a zip (central directory, stored or deflated) as Buffers by name. */
export function unzip(buf) {
  const files = {};
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  assert.ok(eocd >= 0, 'a zip: its end-of-central-directory record');
  let p = buf.readUInt32LE(eocd + 16);
  for (let n = buf.readUInt16LE(eocd + 10); n > 0; n--) {
    assert.equal(buf.readUInt32LE(p), 0x02014b50, 'a central directory entry');
    const [method, size, nameLen, extraLen, commentLen, local] = [buf.readUInt16LE(p + 10), buf.readUInt32LE(p + 20),
      buf.readUInt16LE(p + 28), buf.readUInt16LE(p + 30), buf.readUInt16LE(p + 32), buf.readUInt32LE(p + 42)];
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString();
    assert.equal(buf.readUInt32LE(local), 0x04034b50, `a local header for ${name}`);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + size);
    files[name] = method === 8 ? inflateRawSync(data) : Buffer.from(data);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return files;
}
