// Ready for the field: offline after one visit, a new deployment picked up with a prompt, no script from
// a file ever runs, a Content-Security-Policy that holds, and axe-core finds no serious violations.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp, readFile, writeFile, readdir, rm, mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { serve, launch, newPage, shot, offlineReady, DIST, PHONE, DESKTOP } from './harness.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const AXE = join(here, 'node_modules', 'axe-core', 'axe.min.js');

/** Waits for the app shell and a page heading. */
async function ready(page) {
  await page.waitForSelector('main h1', { timeout: 20_000 });
}

const controlled = (page) => offlineReady(page);

let root;
let server;
let ctx;

before(async () => {
  // Serve a copy, so the "new deployment" test can change it.
  root = await mkdtemp(join(tmpdir(), 'dvk-dist-'));
  await cp(DIST, root, { recursive: true });
  server = await serve(root);
  ctx = await launch();
});

after(async () => {
  await ctx?.close();
  await server?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

test('after one visit the app loads and works with the network off', async () => {
  const page = await newPage(ctx);
  await page.goto(server.base + '#/models');
  await ready(page);
  await controlled(page);
  await server.goDark();
  try {
    await page.reload();
    await ready(page);
    // a feature works offline: load the examples and find one by a folded search
    await page.click('[data-testid=load-examples]');
    await page.fill('#search', 'blup xing');
    await page.waitForFunction(() => document.querySelectorAll('.model-item').length === 1, null, { timeout: 10_000 });
    // a deep link that was never opened online loads offline too
    await page.goto(server.base + '#/plans');
    await ready(page);
    await shot(page, 'offline-plans-360');
    // every page that comes in a chunk fetched on first use (src/ui/split.rs) was precached: none was
    // opened online, and each shows its page offline
    await page.goto(server.base + '#/models');
    await page.click('.model-item a');
    await page.waitForSelector('.model-heading', { timeout: 20_000 });
    const model = page.url().split('#/models/')[1];
    const lazy = ['#/models/new', `#/models/${model}/edit`, '#/plans/new', '#/visit', '#/report', '#/exchange', '#/send', '#/settings'];
    for (const fragment of lazy) {
      await page.goto(server.base + fragment);
      await ready(page);
      assert.equal(await page.locator('.lazy-failed').count(), 0, `${fragment} was not in the offline cache`);
    }
  } finally {
    await server.goLight();
  }
  assert.deepEqual(page.errors.filter((e) => !/net::ERR|Failed to fetch|404/.test(e)), []);
  await page.close();
});

test('a part of the app that cannot be fetched on first use says so, loses nothing, and comes with "try again"', async () => {
  const s = await serve(DIST);
  const c = await launch({ serviceWorkers: 'block' });
  try {
    const page = await newPage(c);
    // the chunks (src/ui/split.rs) cannot be fetched: the main module can
    let blocked = false;
    await page.route(/\/(split|chunk)_[^/]*\.wasm$/, (route) => (blocked ? route.abort() : route.continue()));
    await page.goto(s.base + '#/models');
    await page.click('[data-testid=load-examples]');
    await page.waitForSelector('.model-item');
    blocked = true;
    await page.goto(s.base + '#/settings');
    await page.waitForSelector('.lazy-failed', { timeout: 20_000 });
    assert.match(await page.textContent('.lazy-failed'), /Chưa tải được phần này của ứng dụng/);
    await shot(page, 'lazy-failed-360');
    // the app itself still works: the dashboard and the list, with the records
    await page.goto(s.base + '#/models');
    await page.waitForSelector('.model-item');
    await page.goto(s.base + '#/settings');
    await page.waitForSelector('.lazy-failed', { timeout: 20_000 });
    blocked = false;
    await page.click('.lazy-failed button');
    await ready(page);
    assert.equal(await page.locator('.lazy-failed').count(), 0);
    assert.ok(await page.locator('.model-item, main h1').count() > 0);
    assert.deepEqual(page.errors.filter((e) => !/net::ERR|Failed to fetch|failed to load|404/i.test(e)), []);
  } finally {
    await c.close();
    await s.close();
  }
});

test('a model titled with HTML from an imported file shows as text and runs nothing', async () => {
  const s = await serve(DIST);
  const c = await launch();
  try {
    const page = await newPage(c);
    let dialogs = 0;
    page.on('dialog', async (d) => { dialogs += 1; await d.dismiss(); });
    await page.goto(s.base + '#/exchange');
    await ready(page);
    const hostile = '<img src=x onerror=alert(1)>';
    const file = {
      format: 'dvk-registry', version: 1, exported_at: '2026-11-29T08:00:00Z',
      models: [{
        id: '11111111-2222-4333-8444-555555555555', title: hostile, field: 'economic',
        locality: { code: 20095, name: 'Xã A Roàng', village: '<script>alert(2)</script>' },
        description: '<b onmouseover=alert(3)>x</b>', tags: ['<svg onload=alert(4)>'],
        created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z',
      }],
      plans: [],
    };
    await page.setInputFiles('[data-testid=import-file]', {
      name: 'hostile.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(file)),
    });
    await page.waitForSelector('[data-testid=import-preview]');
    assert.equal((await page.textContent('[data-testid=preview-new]')).trim(), '1');
    await page.click('[data-testid=confirm-import]');
    await page.goto(s.base + '#/models/11111111-2222-4333-8444-555555555555');
    await page.waitForSelector('.model-heading');
    assert.equal((await page.textContent('.model-heading')).trim(), hostile);
    assert.equal(await page.locator('main img').count(), 0, 'no element was made from the title');
    await page.goto(s.base + '#/models');
    await page.waitForSelector('.model-item');
    assert.equal(await page.locator('main img, main script').count(), 0);
    await page.goto(s.base + '#/');
    await page.waitForSelector('[data-testid=total]');
    await page.waitForTimeout(300);
    assert.equal(dialogs, 0, 'no script ran');
    await shot(page, 'xss-dashboard-360');
  } finally {
    await c.close();
    await s.close();
  }
});

test('bad files get a clear message and change nothing', async () => {
  const s = await serve(DIST);
  const c = await launch();
  try {
    const page = await newPage(c);
    await page.goto(s.base + '#/exchange');
    await ready(page);
    const cases = [
      ['notes.txt', 'this is not json', /JSON/],
      ['other.json', JSON.stringify({ format: 'something-else', version: 1, models: [], plans: [] }), /something-else/],
      ['newer.json', JSON.stringify({ format: 'dvk-registry', version: 2, models: [], plans: [] }), /2/],
    ];
    for (const [name, body, pattern] of cases) {
      await page.setInputFiles('[data-testid=import-file]', { name, mimeType: 'application/json', buffer: Buffer.from(body) });
      const errors = page.locator('[data-testid=import-errors]');
      await errors.waitFor();
      assert.match(await errors.innerText(), pattern);
      assert.equal(await page.locator('[data-testid=import-preview]').count(), 0);
    }
    await shot(page, 'import-error-360');
  } finally {
    await c.close();
    await s.close();
  }
});

test('the Content-Security-Policy allows only the app itself and the app still runs', async () => {
  const html = await readFile(join(DIST, 'index.html'), 'utf8');
  const m = html.match(/http-equiv="Content-Security-Policy" content="([^"]+)"/);
  assert.ok(m, 'index.html carries a CSP');
  assert.match(m[1], /script-src 'self' 'wasm-unsafe-eval' 'sha256-[A-Za-z0-9+/=]+'/);
  // connect-src allows https: and loopback for sync (public/csp.mjs; csp.test.mjs checks it); nothing else widens.
  const others = m[1].split(';').filter((d) => !d.trim().startsWith('connect-src')).join(';');
  assert.doesNotMatch(others, /unsafe-eval'[^;]*\*|https?:/);
  const page = await newPage(ctx);
  const violations = [];
  page.on('console', (msg) => { if (/Content Security Policy/i.test(msg.text())) violations.push(msg.text()); });
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(server.base + '#/');
  await ready(page);
  assert.deepEqual(violations, []);
  const foreign = requests.filter((u) => !u.startsWith(server.base) && !u.startsWith('blob:') && !u.startsWith('data:'));
  assert.deepEqual(foreign, [], 'no request to any other host');
  await page.close();
});

test('axe-core finds no serious or critical violations on any page', async () => {
  const s = await serve(DIST);
  const c = await launch({ bypassCSP: true });
  try {
    const page = await newPage(c);
    await page.goto(s.base + '#/models');
    await ready(page);
    await page.click('[data-testid=load-examples]');
    await page.waitForSelector('.model-item');
    const firstModel = await page.getAttribute('.model-item a', 'href');
    const axe = await readFile(AXE, 'utf8');
    const routes = ['#/', '#/models', firstModel, '#/models/new', '#/plans', '#/plans/new', '#/visit?loc=20101', '#/report', '#/exchange', '#/send', '#/settings', '#/nope'];
    const problems = [];
    for (const size of [PHONE, DESKTOP]) {
      await page.setViewportSize(size);
      for (const route of routes) {
        await page.goto(s.base + route);
        await ready(page);
        await page.waitForTimeout(150);
        await page.evaluate(axe);
        const result = await page.evaluate(async () => {
          const r = await window.axe.run(document, { resultTypes: ['violations'] });
          return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
            .map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
        });
        for (const p of result) problems.push(`${size.width}px ${route} ${p}`);
      }
    }
    assert.deepEqual(problems, []);
  } finally {
    await c.close();
    await s.close();
  }
});

test('a new deployment is picked up with a "new version" prompt', async () => {
  const page = await newPage(ctx);
  await page.goto(server.base + '#/');
  await ready(page);
  await controlled(page);
  const before = await page.evaluate(() => [...document.querySelectorAll('script[type=module]')].map((s) => s.textContent).join(''));
  // Make a "second build": the same files under new hashed names, a fresh CSP hash and service worker.
  const files = await readdir(root);
  // (Trunk's content hash is a 64-bit number in hex, so it has 16 digits or, now and then, fewer.)
  const renames = files.filter((f) => /-[0-9a-f]{12,16}(_bg)?\.(js|wasm|css)$/.test(f));
  assert.ok(renames.length >= 3, `the build's hashed files are found (${files.join(', ')})`);
  let html = await readFile(join(root, 'index.html'), 'utf8');
  for (const f of renames) {
    const renamed = f.replace(/-([0-9a-f]{12,16})/, (_, h) => `-${h.split('').reverse().join('')}`);
    await cp(join(root, f), join(root, renamed));
    await rm(join(root, f));
    html = html.split(f).join(renamed);
  }
  html = html.replace(/\s*<meta http-equiv="Content-Security-Policy"[^>]*>/, '');
  await writeFile(join(root, 'index.html'), html);
  execFileSync('node', [join(here, '..', '..', 'public', 'post-build.mjs')], { env: { ...process.env, TRUNK_STAGING_DIR: root } });
  // The next visit finds the new worker and offers the reload.
  await page.reload();
  await ready(page);
  await page.evaluate(async () => { const r = await navigator.serviceWorker.getRegistration(); await r.update(); });
  const banner = page.locator('[data-testid=update-ready]');
  await banner.waitFor({ timeout: 20_000 });
  await shot(page, 'update-ready-360');
  await Promise.all([page.waitForEvent('load', { timeout: 20_000 }), banner.locator('button').click()]);
  await ready(page);
  const after = await page.evaluate(() => [...document.querySelectorAll('script[type=module]')].map((s) => s.textContent).join(''));
  assert.notEqual(after, before, 'the page now runs the new build');
  assert.ok(renames.every((f) => !after.includes(f)), 'no old file name is referenced');
  await page.close();
});

/** Records what index.html's inline script painted, the moment it is added (an init script). */
function watch() {
  new MutationObserver(() => {
    const el = document.getElementById('dvk-snapshot');
    if (el && !window.__snap) {
      window.__snap = {
        total: el.querySelector('.figure.total .value')?.textContent,
        welcome: el.querySelector('.welcome h2')?.textContent,
        inert: el.inert,
        ariaHidden: el.getAttribute('aria-hidden'),
        marked: el.querySelectorAll('[id], [data-testid], main').length,
        appMounted: !!document.querySelector('main'),
      };
    }
  }).observe(document, { childList: true, subtree: true });
}

test('the last dashboard shows at once on the next start, inert, until the app takes over; never when out of date', async () => {
  // No service worker here, so the wasm can be held back and the saved dashboard looked at.
  const own = await launch({ serviceWorkers: 'block' });
  try {
    const page = await newPage(own);
    await page.goto(server.base + '#/models');
    await ready(page);
    await page.click('[data-testid=load-examples]');
    await page.goto(server.base + '#/');
    await page.waitForSelector('[data-testid=total]');
    const total = (await page.textContent('[data-testid=total]')).trim();
    await page.waitForFunction(() => localStorage.getItem('dvk.snapshot'), null, { timeout: 10_000 });

    await page.addInitScript(watch);
    let release;
    const held = new Promise((r) => { release = r; });
    await page.route('**/*.wasm', async (route) => { await held; await route.continue(); });
    await page.reload({ waitUntil: 'commit' });
    await page.waitForSelector('#dvk-snapshot .figure.total');
    await shot(page, 'snapshot-while-loading-360');
    const snap = await page.evaluate(() => window.__snap);
    assert.equal(snap.total, total, 'the saved figures are the ones last shown');
    assert.equal(snap.inert, true);
    assert.equal(snap.ariaHidden, 'true');
    assert.equal(snap.marked, 0, 'no ids, test ids or <main> in the copy');
    assert.equal(snap.appMounted, false, 'painted before the app');
    release();
    await page.waitForSelector('[data-testid=total]');
    await page.waitForSelector('#dvk-snapshot', { state: 'detached' });
    assert.equal((await page.textContent('[data-testid=total]')).trim(), total);
    await page.unroute('**/*.wasm');

    // Stored data changed since (here: the settings): not shown.
    await page.evaluate(() => {
      const s = JSON.parse(localStorage.getItem('dvk.settings'));
      s.officer = 'Người khác';
      localStorage.setItem('dvk.settings', JSON.stringify(s));
    });
    await page.reload();
    await page.waitForSelector('[data-testid=total]');
    assert.equal(await page.evaluate(() => window.__snap ?? null), null, 'an out-of-date dashboard is never shown');

    // Another address than the dashboard: not shown.
    await page.goto(server.base + '#/');
    await page.waitForFunction(() => localStorage.getItem('dvk.snapshot')?.includes('Người khác'), null, { timeout: 10_000 });
    await page.goto(server.base + '#/plans');
    await page.reload();
    await ready(page);
    assert.equal(await page.evaluate(() => window.__snap ?? null), null, 'only the dashboard address shows it');
    assert.deepEqual(page.errors, []);
  } finally {
    await own.close();
  }
});

test('a first visit shows the welcome dashboard before the wasm arrives, and it is the app\'s own', async () => {
  // No service worker, so the wasm can be held back; a fresh profile stores nothing.
  const own = await launch({ serviceWorkers: 'block' });
  try {
    const page = await newPage(own);
    await page.addInitScript(watch);
    let release;
    const held = new Promise((r) => { release = r; });
    await page.route('**/*.wasm', async (route) => { await held; await route.continue(); });
    await page.goto(server.base, { waitUntil: 'commit' });
    await page.waitForSelector('#dvk-snapshot .welcome');
    await shot(page, 'first-visit-before-wasm-360');
    const snap = await page.evaluate(() => window.__snap);
    assert.equal(snap.welcome, 'Chào mừng đến Sổ mô hình Dân vận khéo');
    assert.equal(snap.inert, true);
    assert.equal(snap.ariaHidden, 'true');
    assert.equal(snap.marked, 0, 'no ids, test ids or <main> in the copy');
    assert.equal(snap.appMounted, false, 'painted before the app');
    release();
    await page.waitForSelector('main[data-registry=whole] [data-testid=welcome]');
    await page.waitForSelector('#dvk-snapshot', { state: 'detached' });
    await page.unroute('**/*.wasm');
    // the wasm was asked for only after the welcome dashboard was painted (public/wasm-start.mjs)
    const [asked, painted] = await page.evaluate(() => [
      performance.getEntriesByType('resource').find((e) => /_bg\.wasm$/.test(e.name))?.startTime,
      performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
    ]);
    assert.ok(asked > 0 && painted > 0 && asked >= painted, `the wasm asked for at ${asked} ms, the first paint at ${painted} ms`);

    // The template is what the app shows now: its own copy of this page (src/ui/snapshot.rs), compared.
    const [shipped, live] = await page.evaluate(() => {
      window.dispatchEvent(new Event('pagehide'));
      const tidy = (h) => h.replace(/<!--[\s\S]*?-->/g, '').replace(/>\s+</g, '><').trim();
      const v = JSON.parse(localStorage.getItem('dvk.snapshot'));
      return [tidy(document.getElementById('dvk-first-visit').innerHTML), tidy(v.html)];
    });
    assert.equal(shipped, live, 'index.html\'s first-visit template is out of date: run `make build && node tools/first-visit.mjs && make build`');

    // Once anything is stored (here: the officer's name), the template is never shown again. The first
    // page goes to another address first, so that being hidden does not save a dashboard for the second.
    await page.fill('#w-officer', 'Nguyễn Văn A');
    await page.waitForFunction(() => localStorage.getItem('dvk.settings'), null, { timeout: 10_000 });
    await page.goto(server.base + '#/plans');
    await page.waitForSelector('main h1');
    await page.evaluate(() => localStorage.removeItem('dvk.snapshot'));
    const again = await newPage(own);
    await again.addInitScript(watch);
    await again.goto(server.base);
    await again.waitForSelector('main [data-testid=welcome]');
    assert.equal(await again.evaluate(() => window.__snap ?? null), null, 'not shown once something is stored');
    // and the wasm's fetch is not held back then: the preload Trunk wrote is back in <head>
    assert.equal(await again.evaluate(() => document.querySelectorAll('head link[rel=preload][as=fetch][type="application/wasm"][integrity]').length), 1);
    assert.deepEqual(again.errors, []);
    assert.deepEqual(page.errors, []);
  } finally {
    await own.close();
  }
});

test('the dashboard shows its figures first and draws its charts after that frame, one a task', async () => {
  // a fresh profile: the earlier tests of this file leave records in theirs
  const own = await launch();
  try {
    const page = await newPage(own, PHONE);
    await page.goto(server.base + '#/models');
    await ready(page);
    await page.click('[data-testid=load-examples]');
    await page.goto(server.base + '#/');
    await page.waitForSelector('.dashboard .chart-svg svg');
    // On the next start: what the page holds when the total first shows, and when each chart is drawn.
    await page.addInitScript(() => {
      window.__charts = { drawnAt: [] };
      const seen = new Set();
      new MutationObserver(() => {
        const total = document.querySelector('[data-testid=total]');
        const frames = [...document.querySelectorAll('.dashboard .chart-svg')];
        if (total && !window.__charts.first) {
          window.__charts.first = {
            frames: frames.length,
            drawn: frames.filter((f) => f.querySelector('svg')).length,
            captions: [...document.querySelectorAll('.dashboard .chart figcaption')].map((c) => c.textContent.trim()),
            labels: frames.map((f) => f.getAttribute('aria-label') || ''),
          };
          window.__charts.painted = false;
          // (the frame that paints the figures has begun: what comes in a later task is after its paint)
          requestAnimationFrame(() => { window.__charts.painted = true; });
        }
        frames.forEach((f, i) => {
          if (f.querySelector('svg') && !seen.has(i)) { seen.add(i); window.__charts.drawnAt.push([i, window.__charts.painted]); }
        });
      }).observe(document, { subtree: true, childList: true });
    });
    await page.reload();
    await page.waitForFunction(() => window.__charts?.drawnAt.length === 5, null, { timeout: 20_000 });
    const c = await page.evaluate(() => window.__charts);
    assert.equal(c.first.frames, 5, 'the five chart frames are there with the figures');
    assert.equal(c.first.drawn, 0, 'no chart is drawn in the task that shows the figures');
    assert.ok(c.first.captions.every((t) => t.length > 3), `each frame has its caption at once: ${c.first.captions}`);
    assert.ok(c.first.labels.every((t) => t.length > 10), 'and its text alternative');
    assert.deepEqual(c.drawnAt.map(([i]) => i), [0, 1, 2, 3, 4], 'drawn in order');
    assert.ok(c.drawnAt.every(([, painted]) => painted), 'each after the figures\' frame was painted');
    // A chart below the first screen is laid out only when it scrolls near.
    assert.equal(await page.locator('.dashboard .chart').last().evaluate((el) => getComputedStyle(el).contentVisibility), 'auto');
    await page.locator('.dashboard .chart').last().scrollIntoViewIfNeeded();
    assert.ok(await page.locator('.dashboard .chart-svg svg').last().evaluate((el) => el.getBoundingClientRect().height > 20), 'drawn once scrolled to');
    assert.deepEqual(page.errors, []);
  } finally {
    await own.close();
  }
});
