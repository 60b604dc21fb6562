// `make bench`: the benchmark figures of SPEC §6 (Scale), printed as a table. See BENCHMARKS.md.
//
// Every timing is the median of RUNS runs (default 5, env BENCH_RUNS) and is shown next to a baseline
// measured in the same run, on the same machine, so the ratios mean something on a noisy machine. Timings
// live only here, never in tests.
//
//   node tests/bench/run.mjs [--dist DIR] [--only size,native,cold,search,save,charts,import,capacity,transfer,photo,lighthouse] [--browser-only]
//
// --browser-only skips the native timings (`measure`; the fixtures are still written), so two builds can be
// compared row by row in quick turns (`--dist A --only import --browser-only`, then B, then A again…).
//
// The release build (DIR, default dist/) is copied first into a private folder, so another build into
// dist/ during the run does not change what is measured. The native half is `cargo bench --bench native`
// (tests/bench/native.rs): it writes the 20,000-model fixtures and times import/merge, charts, save, load.
// tests/bench/wasm-size.mjs (what the wasm is made of) and tests/bench/profile.mjs (CPU profiles) are run
// by hand; see BENCHMARKS.md. `lighthouse` (tests/bench/lighthouse.mjs) runs Lighthouse's mobile profile
// against `make serve`'s server (LH_RUNS runs, default 3); `make bench` installs it (tests/bench/package.json).
import { cp, mkdtemp, readdir, readFile, writeFile, mkdir, rm } from 'node:fs/promises';
import { join, extname } from 'node:path';
import { tmpdir } from 'node:os';
import { gzipSync, brotliCompressSync, constants as Z } from 'node:zlib';
import { serve } from '../e2e/harness.mjs';
import { luma, writeY4m, W as VW, H as VH } from '../e2e/qr_video.mjs';
import { SendPage } from '../e2e/pages.mjs';
import { ROOT, median, digits, cargoBench as cargoBenchRuns, launch as launchIn, newPage, warmUp, store, READY_SCRIPT, KEY_FN, openModelForSave, openImport } from './lib.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : dflt; };
const RUNS = Number(process.env.BENCH_RUNS || opt('runs', 5));
const ONLY = new Set((opt('only', 'size,native,cold,search,save,charts,import,capacity,transfer,photo,lighthouse')).split(','));
const THROTTLE = 4;
const SIZE_TARGET = 170 * 1024;
const log = (...a) => console.error('[bench]', ...a);

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const ms = (n) => (Number.isFinite(n) ? `${n < 10 ? n.toFixed(2) : n.toFixed(1)} ms` : 'n/a');
const x = (n) => (Number.isFinite(n) ? `${n.toFixed(2)}×` : 'n/a');

/** One row of the final table. */
const rows = [];
function row(figure, value, baseline, ratio, target, met) {
  rows.push({ figure, value, baseline, ratio, target, met: met === undefined ? '' : met ? 'yes' : 'NO' });
}
const results = { runs: RUNS, throttle: THROTTLE, date: new Date().toISOString() };

// ------------------------------------------------------------------------------------------------ setup

const distSrc = opt('dist', process.env.DVK_DIST || join(ROOT, 'dist'));
const work = await mkdtemp(join(tmpdir(), 'dvk-bench-'));
const site = join(work, 'site');
await cp(distSrc, site, { recursive: true });
const fixtures = join(work, 'fixtures');
await mkdir(fixtures);
log(`copied ${distSrc} to ${site}`);

const cargoBench = (...cmd) => cargoBenchRuns(RUNS, ...cmd);
const launch = () => launchIn(work);

// ------------------------------------------------------------------------------------------------ 1. size

/** What a first visit to the dashboard fetches: the files the page itself requests (no service worker, no
 * HTTP cache) until the dashboard is interactive. The service worker's precache of the rest (the chunks
 * fetched on first use, the QR reader…) runs in the background after that and is counted apart. */
async function firstLoadFiles() {
  const srv = await serve(site, '/dvk/');
  const ctx = await launch();
  try {
    const page = await newPage(ctx, { noCache: true, bypassSW: true });
    const names = new Set();
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.origin === new URL(srv.base).origin && u.pathname.startsWith('/dvk/')) names.add(u.pathname.slice('/dvk/'.length) || 'index.html');
    });
    await page.addInitScript(() => localStorage.removeItem('dvk.snapshot'));
    await page.goto(`${srv.base}#/`);
    await page.waitForSelector('main h1', { timeout: 60000 });
    await page.waitForTimeout(500);
    await page.close();
    return [...names].filter((f) => !/\.(png|svg|webmanifest|ico)$/.test(f) && f !== 'sw.js');
  } finally {
    await ctx.close();
    await srv.close();
  }
}

const squeeze = (buf) => ({
  raw: buf.length,
  gzip: gzipSync(buf, { level: 9 }).length,
  brotli: brotliCompressSync(buf, { params: { [Z.BROTLI_PARAM_QUALITY]: 11, [Z.BROTLI_PARAM_SIZE_HINT]: buf.length } }).length,
});

async function sizes() {
  const files = await firstLoadFiles();
  const by = {};
  for (const f of files) {
    const kind = extname(f).slice(1) || 'html';
    const z = squeeze(await readFile(join(site, f)));
    const e = (by[kind] ||= { raw: 0, gzip: 0, brotli: 0, files: [] });
    e.raw += z.raw; e.gzip += z.gzip; e.brotli += z.brotli; e.files.push(f);
  }
  const total = Object.values(by).reduce((t, e) => ({ raw: t.raw + e.raw, gzip: t.gzip + e.gzip, brotli: t.brotli + e.brotli }), { raw: 0, gzip: 0, brotli: 0 });
  // The rest of the app's code, fetched on first use (and precached by the service worker).
  const first = new Set(files);
  const later = { raw: 0, gzip: 0, brotli: 0, files: [] };
  for (const f of await readdir(site)) {
    if (first.has(f) || !/\.(wasm|js)$/.test(f) || f === 'sw.js') continue;
    const z = squeeze(await readFile(join(site, f)));
    later.raw += z.raw; later.gzip += z.gzip; later.brotli += z.brotli; later.files.push([f, z.brotli]);
  }
  results.size = { by, total, later };
  log('first load:', files.join(', '));
  log('on first use:', later.files.map(([f, b]) => `${f} ${kb(b)}`).join(', '));
  for (const k of ['wasm', 'js', 'css', 'html']) {
    const e = by[k]; if (!e) continue;
    row(`size: ${k} (raw / gzip / brotli)`, `${kb(e.raw)} / ${kb(e.gzip)} / ${kb(e.brotli)}`, '', '', '', undefined);
  }
  row('1. first-load size, brotli total', kb(total.brotli), `target ${kb(SIZE_TARGET)}`, x(total.brotli / SIZE_TARGET), '≤ 1.00× (170 KB)', total.brotli <= SIZE_TARGET);
  row('   first-load size, gzip total', kb(total.gzip), '', x(total.gzip / SIZE_TARGET), '', undefined);
  row(`   fetched on first use (${later.files.length} files: chunks, QR reader), brotli`, kb(later.brotli), '', '', '', undefined);
  const docx = later.files.find(([f]) => /^split_docx[^/]*\.wasm$/.test(f));
  if (docx) row('   of which the Word writer\'s chunk (split_docx), brotli', kb(docx[1]), '', '', '', undefined);
}

// ------------------------------------------------------------------------------------------------ browser

/** A static page with the dashboard's figures and the list's first 25 items, as the app showed them. */
async function writeBaseline(context, base, n) {
  const page = await newPage(context);
  await page.goto(`${base}index.html#/`);
  await page.waitForFunction((want) => (document.querySelector('[data-testid=total]')?.textContent || '').replace(/\D/g, '') === want, String(n), { timeout: 120000 });
  const figures = await page.locator('[data-testid=figures]').evaluate((el) => el.outerHTML);
  await page.goto(`${base}index.html#/models`);
  await page.waitForSelector('.model-list li');
  const list = await page.locator('.model-list').evaluate((el) => el.outerHTML);
  const shell = await page.evaluate(() => document.querySelector('header')?.outerHTML || '');
  await page.close();
  const css = (await readdir(site)).find((f) => f.endsWith('.css'));
  const html = `<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>baseline</title>
<link rel="stylesheet" href="${css}"></head><body>${shell}<main><section class="page dashboard">${figures}</section>
<section class="page models-page">${list}</section></main></body></html>`;
  await writeFile(join(site, `baseline-${n}.html`), html);
  return `baseline-${n}.html`;
}

/** Cold start: new page, CPU throttled; time from navigation start to `__ready`. `network`: no HTTP
 * cache and no service worker (every file from the server); otherwise the service worker's cache serves. */
async function coldLoad(context, url, n, network = true, snapshot = null) {
  const page = await newPage(context, { throttle: THROTTLE, noCache: network, bypassSW: network });
  // The app without the saved dashboard (ui/snapshot.rs) unless asked (`snapshot` true): it then shows
  // nothing until it runs. (`null`: a baseline page, which leaves storage alone.)
  if (snapshot === false) await page.addInitScript(() => localStorage.removeItem('dvk.snapshot'));
  await page.addInitScript(READY_SCRIPT);
  await page.addInitScript((want) => { window.__want = want; }, String(n));
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForFunction(() => window.__ready, null, { timeout: 180000, polling: 100 });
  const r = await page.evaluate(() => {
    const wasm = performance.getEntriesByType('resource').find((e) => e.name.endsWith('.wasm'));
    const painted = performance.getEntriesByName('dvk-snapshot')[0];
    return { shown: window.__shown, ready: window.__ready, taskEnd: window.__taskEnd, wasmLoaded: wasm ? wasm.responseEnd : null, painted: painted ? painted.startTime : null,
      wasmStart: window.__wasmStart ?? null, wasmDone: window.__wasmDone ?? null };
  });
  if (page.errors.length) throw new Error(`page errors: ${page.errors.join('; ')}`);
  if (snapshot === true && r.painted === null) throw new Error('the saved dashboard was not shown');
  if (snapshot === false && r.painted !== null) throw new Error('a saved dashboard was shown although removed');
  await page.close();
  return r;
}

/** Visits the dashboard until the app has saved it for the next cold start (ui/snapshot.rs). */
async function saveSnapshot(context, base, n) {
  const page = await newPage(context);
  await page.goto(`${base}index.html#/`);
  await page.waitForFunction((want) => (document.querySelector('[data-testid=total]')?.textContent || '').replace(/\D/g, '') === want, String(n), { timeout: 120000 });
  await page.waitForFunction(() => localStorage.getItem('dvk.snapshot'), null, { timeout: 30000 });
  await page.close();
}

async function coldStart(context, base, n, network = true, snapshot = false) {
  const baseline = await writeBaseline(context, base, n);
  if (snapshot) await saveSnapshot(context, base, n);
  const app = [], stat = [], shown = [], wasm = [], wStart = [], wDone = [], painted = [], appTask = [], statTask = [];
  for (let i = 0; i < RUNS + 1; i++) {
    // alternate, so both see the same noise; the first pair warms the server and the disk cache
    const b = await coldLoad(context, `${base}${baseline}`, n, network);
    const a = await coldLoad(context, `${base}index.html#/`, n, network, snapshot);
    if (i === 0) continue;
    stat.push(b.ready); app.push(a.ready); statTask.push(b.taskEnd); appTask.push(a.taskEnd); shown.push(a.shown); wasm.push(a.wasmLoaded); wStart.push(a.wasmStart); wDone.push(a.wasmDone);
    if (snapshot) painted.push(a.painted);
  }
  const r = { app: median(app), shown: median(shown), wasmLoaded: median(wasm), wasmStart: median(wStart), wasmDone: median(wDone),
    painted: snapshot ? median(painted) : null, baseline: median(stat),
    taskEnd: { app: median(appTask), baseline: median(statTask) }, samples: { app, baseline: stat, painted } };
  log(`cold start ${n} (${network ? 'network' : 'service worker'}${snapshot ? ', saved dashboard' : ''}):`, JSON.stringify(r));
  return r;
}

// ------------------------------------------------------------------------------------------------ search

// The plain JavaScript filter over the same 20,000 models: folded once (like the app's index), then each
// keystroke folds the query and keeps the texts that have every word at the start of one of theirs (the
// app's rule: "ong" does not match inside "dong").
const JS_FILTER = `async (file) => {
  const fold = (s) => s.normalize('NFD').replace(/\\p{M}/gu, '').replace(/[đĐ]/g, 'd').toLowerCase()
    .replace(/[^\\p{L}\\p{N}]+/gu, ' ').trim();
  const texts = await (await fetch(file)).json();
  const hay = texts.map((t) => ' ' + fold(t));
  const box = document.createElement('div');
  box.innerHTML = '<input id="bench-search"><p id="bench-count"></p>';
  document.body.append(box);
  const count = box.querySelector('#bench-count');
  box.querySelector('#bench-search').addEventListener('input', (ev) => {
    const words = fold(ev.target.value).split(' ').filter(Boolean);
    let n = 0;
    for (const h of hay) if (words.every((w) => h.includes(' ' + w))) n++;
    count.textContent = n + ' / ' + hay.length;
  });
  return hay.length;
}`;

const QUERIES = ['nuoi bo', 'a luoi', 'dan van'];
const prefixes = (q) => [...q].map((_, i) => q.slice(0, i + 1)).filter((p) => !p.endsWith(' '));

async function search(context, base, n) {
  const out = {};
  for (const throttle of [THROTTLE, 1]) {
    const page = await newPage(context, { throttle: 1 });
    await page.goto(`${base}index.html#/models`);
    await page.waitForFunction((want) => (document.querySelector('[data-testid=result-count]')?.textContent || '').replace(/\D/g, '').startsWith(want), String(n), { timeout: 120000 });
    await page.evaluate(KEY_FN);
    const jsTotal = await page.evaluate(`(${JS_FILTER})('search-${n}.json')`);
    if (jsTotal !== n) throw new Error(`JS baseline has ${jsTotal} texts, not ${n}`);
    await page.cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
    const app = { count: [], idle: [] }, js = { count: [], idle: [] };
    let mismatch = 0;
    for (let r = 0; r < RUNS; r++) {
      for (const q of QUERIES) {
        for (const p of prefixes(q)) {
          const a = await page.evaluate(([v]) => window.__key('#search', '[data-testid=result-count]', v), [p]);
          const j = await page.evaluate(([v]) => window.__key('#bench-search', '#bench-count', v), [p]);
          // both must find the same number of models
          if (digits(a.text) !== digits(j.text)) mismatch++;
          if (a.count !== null && j.count !== null) { app.count.push(a.count); js.count.push(j.count); }
          app.idle.push(a.idle); js.idle.push(j.idle);
        }
        await page.evaluate(() => window.__key('#search', '[data-testid=result-count]', ''));
        await page.evaluate(() => window.__key('#bench-search', '#bench-count', ''));
      }
    }
    const s = {
      app: median(app.count), appIdle: median(app.idle), appMax: Math.max(...app.count),
      js: median(js.count), jsIdle: median(js.idle), samples: app.count.length, mismatch,
    };
    log(`search ${n} throttle ${throttle}×:`, JSON.stringify(s));
    if (page.errors.length) throw new Error(`page errors: ${page.errors.join('; ')}`);
    await page.close();
    out[`t${throttle}`] = s;
  }
  return out;
}

// ------------------------------------------------------------------------------------------------ save

async function save(context, base, n, recordsFile) {
  const page = await openModelForSave(context, base);
  // baseline: JSON.stringify of the same registry as plain JS objects (which would not even fit in the quota)
  await page.evaluate(async (f) => {
    const text = await (await fetch(f)).text();
    window.__plain = JSON.parse(text);
  }, recordsFile);
  const out = { screen: [], write: [], setItem: [], stringify: [], units: [] };
  await page.cdp.send('Emulation.setCPUThrottlingRate', { rate: THROTTLE });
  for (let r = 0; r < RUNS + 1; r++) {
    // the form is in a sheet that closes on save: opened again before each (outside the timing)
    if (!(await page.locator('[data-testid=evaluation-sheet]').isVisible())) await page.click('[data-testid=add-evaluation]');
    await page.waitForSelector('[data-testid=rate-effective]');
    await page.click('[data-testid=rate-effective]');
    await page.click('[data-testid=save-evaluation]');
    await page.waitForFunction(() => window.__saved && window.__writeTask && window.__writeTask.t1 && window.__screen, null, { timeout: 120000 });
    const s = await page.evaluate(() => ({ submit: window.__submit, screen: window.__screen, task: window.__writeTask, io: window.__io }));
    const str = await page.evaluate(() => { const t = performance.now(); const s = JSON.stringify(window.__plain); return { ms: performance.now() - t, len: s.length }; });
    await page.evaluate(() => { window.__saved = null; window.__submit = null; window.__screen = null; window.__writeTask = null; });
    if (r === 0) continue;
    out.screen.push(s.screen - s.submit); out.write.push(s.task.t1 - s.task.t0); out.setItem.push(s.io.ms); out.units.push(s.io.units);
    out.stringify.push(str.ms); out.jsonChars = str.len;
  }
  if (page.errors.length) throw new Error(`page errors: ${page.errors.join('; ')}`);
  await page.close();
  const r = { screen: median(out.screen), write: median(out.write), setItem: median(out.setItem), units: median(out.units), stringify: median(out.stringify), jsonChars: out.jsonChars };
  log(`save ${n}:`, JSON.stringify(r));
  return r;
}

// ------------------------------------------------------------------------------------------------ charts

// In the loaded app: from the models list to the dashboard with its 5 charts drawn (route change, stats,
// charts, DOM). Baseline: inserting the same 5 SVGs (copied from the app) into the same page.
async function dashboardRender(context, base, n) {
  const page = await newPage(context);
  await page.goto(`${base}index.html#/`);
  await page.waitForFunction(() => document.querySelectorAll('.charts-grid svg').length >= 5, null, { timeout: 120000 });
  const svgs = await page.evaluate(() => [...document.querySelectorAll('.chart-svg')].map((e) => e.innerHTML));
  await page.cdp.send('Emulation.setCPUThrottlingRate', { rate: THROTTLE });
  const app = [], base0 = [];
  for (let r = 0; r < RUNS + 1; r++) {
    await page.evaluate(() => { location.hash = '#/models'; });
    await page.waitForSelector('[data-testid=result-count]');
    await page.waitForTimeout(50);
    const t = await page.evaluate((want) => new Promise((resolve) => {
      const t0 = performance.now();
      const done = () => {
        const ok = document.querySelectorAll('.charts-grid svg').length >= 5
          && (document.querySelector('[data-testid=total]')?.textContent || '').replace(/\D/g, '') === want;
        if (ok) { mo.disconnect(); setTimeout(() => resolve(performance.now() - t0), 0); }
      };
      const mo = new MutationObserver(done);
      mo.observe(document.body, { subtree: true, childList: true, characterData: true });
      location.hash = '#/';
    }), String(n));
    const b = await page.evaluate((list) => {
      const t0 = performance.now();
      const box = document.createElement('div');
      box.className = 'charts-grid';
      for (const s of list) { const d = document.createElement('div'); d.className = 'chart-svg'; d.innerHTML = s; box.append(d); }
      document.body.append(box);
      box.getBoundingClientRect();
      const t = performance.now() - t0;
      box.remove();
      return t;
    }, svgs);
    if (r === 0) continue;
    app.push(t); base0.push(b);
  }
  if (page.errors.length) throw new Error(`page errors: ${page.errors.join('; ')}`);
  await page.close();
  const r = { app: median(app), baseline: median(base0), svgBytes: svgs.reduce((a, s) => a + s.length, 0) };
  log(`dashboard render ${n}:`, JSON.stringify(r));
  return r;
}

// ------------------------------------------------------------------------------------------------ import

async function jsonParse(context, base) {
  const page = await newPage(context);
  await page.goto(`${base}blank.html`);
  const out = {};
  for (const throttle of [1, THROTTLE]) {
    await page.cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
    out[`t${throttle}`] = await page.evaluate(async ([runs]) => {
      const text = await (await fetch('import-2226.json')).text();
      const xs = [];
      for (let i = 0; i < runs + 1; i++) { const t = performance.now(); JSON.parse(text); xs.push(performance.now() - t); }
      xs.shift(); xs.sort((a, b) => a - b);
      return xs[Math.floor(xs.length / 2)];
    }, [RUNS]);
  }
  await page.close();
  return out;
}

// In the app: a 2,226-model file into a registry of 2,226 sharing half the ids, through the exchange page.
// `preview`: from the file input's change to the preview shown (read the file, check every record, preview
// the merge); `apply`: from "import" to the registry saved (backup, merge, history, save). Baseline:
// JSON.parse of the same file in the same page.
// (IMPORT_SCRIPT is in lib.mjs.)

async function importInApp(context, base, fileOnDisk, { stored = 'store-2226.json', file = 'import-2226.json', expectNew = '1113', runs = RUNS } = {}) {
  const out = { preview: [], apply: [], save: [], parse: [], longestPreview: [], longestApply: [] };
  for (let r = 0; r < runs + 1; r++) {
    await store(context, base, stored);
    const page = await openImport(context, base, THROTTLE);
    // the main thread's long tasks (the screen does not answer during one)
    await page.evaluate(() => {
      window.__long = [];
      new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push([e.startTime, e.duration]); }).observe({ type: 'longtask' });
    });
    await page.setInputFiles('[data-testid=import-file]', fileOnDisk);
    await page.waitForFunction(() => window.__previewIdle, null, { timeout: 180000 });
    const newCount = digits(await page.locator('[data-testid=preview-new]').textContent());
    await page.evaluate(() => { window.__saved = null; });
    await page.click('[data-testid=confirm-import]');
    // landed: its undo is offered (a big import writes the manifest at its backup and at its end: the
    // last write, `__saved`, is the end)
    await page.waitForSelector('[data-testid=undo-import]', { timeout: 300000 });
    await page.waitForFunction(() => window.__saved, null, { timeout: 180000 });
    const t = await page.evaluate(() => ({ picked: window.__picked, previewed: window.__previewIdle, confirm: window.__confirm, saved: window.__saved, long: window.__long }));
    const parse = await page.evaluate(async (f) => {
      const text = await (await fetch(f)).text();
      JSON.parse(text);
      const t0 = performance.now(); JSON.parse(text); return performance.now() - t0;
    }, file);
    if (page.errors.length) throw new Error(`page errors: ${page.errors.join('; ')}`);
    await page.close();
    if (newCount !== expectNew) throw new Error(`preview shows ${newCount} new models, expected ${expectNew}`);
    if (r === 0) continue;
    const longest = (from, to) => Math.max(0, ...t.long.filter(([s, d]) => s + d > from && s < to).map(([, d]) => d));
    out.preview.push(t.previewed - t.picked); out.apply.push(t.saved.end - t.confirm); out.save.push(t.saved.end - t.saved.start); out.parse.push(parse);
    out.longestPreview.push(longest(t.picked, t.previewed)); out.longestApply.push(longest(t.confirm, t.saved.end));
  }
  const r = { preview: median(out.preview), apply: median(out.apply), setItem: median(out.save), parse: median(out.parse),
    longestPreview: median(out.longestPreview), longestApply: median(out.longestApply) };
  log('import in the app:', JSON.stringify(r));
  return r;
}

// ------------------------------------------------------------------------------------------------ capacity

const SETTINGS = JSON.stringify({ lang: 'vi', officer: 'Nguyễn Văn A', unit: 'Ban Dân vận', device_id: 'abcdef01', unexported_changes: 12, last_export_at: null, last_filter: '' });

async function capacity(context, base) {
  const page = await newPage(context);
  await page.goto(`${base}blank.html`);
  // the room left for the registry (keys and values, in UTF-16 units) once the settings are stored
  const room = await page.evaluate((settings) => {
    localStorage.clear();
    localStorage.setItem('dvk.settings', settings);
    const key = 'dvk.probe';
    const fits = (n) => { try { localStorage.setItem(key, '\u3400'.repeat(n)); return true; } catch { return false; } finally { localStorage.removeItem(key); } };
    let lo = 0, hi = 1;
    while (fits(hi)) { lo = hi; hi *= 2; if (hi > 1 << 30) break; }
    while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (fits(mid)) lo = mid; else hi = mid; }
    return lo + key.length;
  }, SETTINGS);
  log(`localStorage room for the registry: ${room} UTF-16 units`);
  const cap = cargoBench('capacity', site, String(room));
  const tryStore = (f) => page.evaluate(async ([file, settings]) => {
    const kv = await (await fetch(file)).json();
    localStorage.clear();
    localStorage.setItem('dvk.settings', settings);
    try { for (const [k, v] of Object.entries(kv)) localStorage.setItem(k, v); return { ok: true }; } catch (e) { return { ok: false, error: e.name }; } finally { localStorage.clear(); }
  }, [f, SETTINGS]);
  const fit = await tryStore('cap-fit.json');
  const over = await tryStore('cap-over.json');
  await page.close();
  const r = { room, ...cap, fitStored: fit.ok, overStored: over.ok, overError: over.error };
  log('capacity:', JSON.stringify(r));
  return r;
}


// ------------------------------------------------------------------------------------------------ 7. transfer

const COMMUNE_N = 65;

/** An exchange file of a commune's 65 models (no photos), two evaluations and a milestone each. */
function communeFile() {
  const at = '2026-11-01T08:00:00Z';
  const models = Array.from({ length: COMMUNE_N }, (_, i) => ({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    title: `Mô hình “Dân vận khéo” số ${i + 1}: tổ hợp tác ${['nuôi ong', 'dệt thổ cẩm', 'trồng keo', 'nuôi cá lồng', 'làm đường giao thông'][i % 5]} thôn ${i % 7 + 1}`,
    field: ['economic', 'cultural_social', 'defense_security', 'political_system'][i % 4],
    locality: { code: 20101, name: 'Xã A Lưới 4', village: `Thôn ${i % 7 + 1}` },
    lead: `Hội Nông dân xã, ông Hồ Văn ${String.fromCharCode(65 + (i % 20))}`, lead_organization: 'farmers_association',
    ethnic_minority_area: i % 3 !== 0, status: 'active', started_on: `202${i % 5}-0${i % 9 + 1}-15`,
    participants: 8 + i, beneficiary_households: 3 + (i % 17),
    contributions: { money_vnd: 1000000 * (i + 3), work_days: 20 + i, land_m2: 100 * (i % 11) },
    description: `Các hộ đồng bào Pa Kô, Tà Ôi cùng góp công, góp đất; Hội Nông dân hỗ trợ giống và kỹ thuật; sau ${i % 4 + 1} năm thu nhập tăng.`,
    tags: ['sinh kế', 'đồng bào DTTS'],
    evaluations: [0, 1].map((k) => ({ id: `e-${i}-${k}`, date: `2025-0${k + 3}-1${k}`, by: 'Tổ công tác Ban Dân vận', rating: ['effective', 'very_effective', 'limited'][(i + k) % 3],
      close_to_needs: true, consensus: 'high', notes: `Lần ${k + 1}: đi cơ sở, nhân dân đồng thuận.`, recorded_at: `2025-0${k + 3}-1${k}T09:00:00Z` })),
    milestones: [{ id: `m-${i}`, title: 'Tổng kết năm', due: '2026-12-31', done_on: null, notes: '' }],
    created_at: at, updated_at: at, updated_by: 'Cán bộ A (sender-device)',
  }));
  return JSON.stringify({ format: 'dvk-registry', version: 1, exported_at: at, models, plans: [] }, null, 2);
}

/** A commune of 65 models sent by the send page, captured as video, received by a second profile whose
 * camera plays it (1× CPU: the time is the codes' pace, 5 a second); and jsQR's decode time per camera
 * picture at 4× CPU (the fallback reader; BarcodeDetector is the browser's own). */
async function transferBench(base) {
  const ctx = await launch();
  await warmUp(ctx, base);
  const page = await newPage(ctx);
  await page.goto(`${base}index.html#/exchange`);
  await page.setInputFiles('[data-testid=import-file]', { name: 'commune.json', mimeType: 'application/json', buffer: Buffer.from(communeFile()) });
  await page.click('[data-testid=confirm-import]');
  await page.waitForSelector('[data-testid=import-preview]', { state: 'detached' });
  await page.goto(`${base}index.html#/send`);
  await page.check('[data-testid=send-locality]');
  await page.selectOption('[data-testid=send-commune]', '20101');
  const summary = (await page.textContent('[data-testid=send-summary]')).trim();
  await page.click('[data-testid=send-start]');
  const fragments = Number(await page.getAttribute('[data-testid=send-loop]', 'data-fragments'));
  const srcs = await new SendPage(page).captureFrames(2 * fragments + 4);
  const lumas = [];
  for (const s of srcs) lumas.push(await luma(page, s));
  await page.close();
  // decode per picture at 4× CPU, jsQR loaded from the site as the worker loads it
  await writeFile(join(site, 'transfer-bench.html'), '<!DOCTYPE html><html><head><meta charset="utf-8"><title>qr</title><script src="jsQR.js"></script></head><body></body></html>');
  const dec = await newPage(ctx, { throttle: THROTTLE, bypassSW: true }); // the app's worker answers pages with the app
  await dec.goto(`${base}transfer-bench.html`);
  await dec.waitForFunction(() => window.jsQR);
  const decode = await dec.evaluate(({ lumas, W, H }) => {
    const times = [];
    let read = 0;
    for (const l of lumas.slice(0, 30)) {
      const y = Uint8Array.from(atob(l), (c) => c.charCodeAt(0));
      const rgba = new Uint8ClampedArray(W * H * 4);
      for (let i = 0; i < W * H; i++) { rgba[4 * i] = rgba[4 * i + 1] = rgba[4 * i + 2] = y[i]; rgba[4 * i + 3] = 255; }
      const t0 = performance.now();
      const c = window.jsQR(rgba, W, H, { inversionAttempts: 'dontInvert' });
      times.push(performance.now() - t0);
      if (c && c.data.startsWith('DVK1:')) read++;
    }
    return { times, read };
  }, { lumas, W: VW, H: VH });
  await dec.close();
  await ctx.close();
  const video = join(work, 'codes.y4m');
  await writeY4m(video, lumas);
  const rctx = await launchIn(work, ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video}`], { permissions: ['camera'] });
  await warmUp(rctx, base);
  const rp = await newPage(rctx);
  await rp.goto(`${base}index.html#/exchange`);
  await rp.waitForSelector('[data-testid=receive-start]');
  const t0 = Date.now();
  await rp.click('[data-testid=receive-start]');
  await rp.waitForFunction(() => /[1-9]\d* /.test(document.querySelector('[data-testid=receive-progress]')?.textContent || ''), null, { timeout: 60000, polling: 20 });
  const t1 = Date.now();
  await rp.waitForSelector('[data-testid=import-preview]', { timeout: 300000 });
  const t2 = Date.now();
  const got = Number(digits(await rp.textContent('[data-testid=preview-new]')));
  await rctx.close();
  const r = { summary, fragments, frames: srcs.length, decodeMs: median(decode.times), decodeRead: decode.read, decodeOf: decode.times.length,
    openToFirstMs: t1 - t0, firstToPreviewMs: t2 - t1, received: got };
  log('transfer:', JSON.stringify(r));
  if (got !== COMMUNE_N) throw new Error(`the receiver previewed ${got} models, not ${COMMUNE_N}`);
  return r;
}


// ------------------------------------------------------------------------------------------------ 8. photo

/** Shrinking a 12-megapixel photo (4000×3000 JPEG) as the app keeps it, at 4× CPU: picked in the model
 * page's photo input until its thumbnail shows (shrink, store in IndexedDB, draw), against the browser's
 * own createImageBitmap (resized) + canvas JPEG encode of the same image in the same page. */
async function photoBench(base) {
  const ctx = await launch();
  await warmUp(ctx, base);
  const page = await newPage(ctx, { throttle: THROTTLE });
  await page.goto(`${base}index.html#/models`);
  await page.click('[data-testid=load-examples]');
  await page.click('[data-testid=model-item] a');
  await page.waitForSelector('[data-testid=model-evidence] [data-testid=photo-input]');
  await page.evaluate(async () => {
    const c = new OffscreenCanvas(4000, 3000);
    const g = c.getContext('2d');
    for (let x = 0; x < 4000; x += 40) { g.fillStyle = `hsl(${x % 360} 60% ${30 + (x % 50)}%)`; g.fillRect(x, 0, 40, 3000); }
    for (let i = 0; i < 400; i++) { g.fillStyle = `rgba(${i % 255},${(i * 7) % 255},${(i * 13) % 255},.5)`; g.fillRect((i * 97) % 4000, (i * 61) % 3000, 180, 120); }
    window.__photo = await c.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
  });
  const app = [], js = [];
  for (let i = 0; i < RUNS; i++) {
    js.push(await page.evaluate(async () => {
      const t0 = performance.now();
      const bmp = await createImageBitmap(window.__photo, { imageOrientation: 'from-image', resizeWidth: 1600, resizeHeight: 1200, resizeQuality: 'high' });
      const c = document.createElement('canvas');
      c.width = bmp.width; c.height = bmp.height;
      c.getContext('2d').drawImage(bmp, 0, 0);
      bmp.close();
      await new Promise((ok) => c.toBlob(ok, 'image/jpeg', 0.72));
      return performance.now() - t0;
    }));
    app.push(await page.evaluate(async (i) => {
      const input = document.querySelector('[data-testid=model-evidence] [data-testid=photo-input]');
      const before = document.querySelectorAll('[data-testid=model-evidence] [data-testid=photo-thumb] img').length;
      const dt = new DataTransfer();
      // a different byte each run, so each is a new image (not one already stored)
      dt.items.add(new File([window.__photo, new Uint8Array([i])], `IMG_${i}.jpg`, { type: 'image/jpeg' }));
      input.files = dt.files;
      const t0 = performance.now();
      input.dispatchEvent(new Event('change', { bubbles: true }));
      await new Promise((ok) => {
        const tick = () => {
          const imgs = [...document.querySelectorAll('[data-testid=model-evidence] [data-testid=photo-thumb] img')];
          if (imgs.length > before && imgs.every((im) => im.complete)) ok(); else requestAnimationFrame(tick);
        };
        tick();
      });
      return performance.now() - t0;
    }, i));
  }
  const bytes = await page.evaluate(() => window.__photo.size);
  if (page.errors.length) throw new Error(page.errors.join('\n'));
  await ctx.close();
  const r = { app: median(app), js: median(js), sourceBytes: bytes };
  log('photo:', JSON.stringify(r));
  return r;
}

// ------------------------------------------------------------------------------------------------ main

const N_SMALL = 2226, N_BIG = 20000;
if (ONLY.has('size')) await sizes();

let native = null;
const needsFixtures = ['cold', 'search', 'save', 'charts', 'import', 'capacity'].some((k) => ONLY.has(k));
if (needsFixtures) {
  log('native: writing fixtures (cargo bench --bench native -- prepare)…');
  cargoBench('prepare', site);
  await writeFile(join(site, 'blank.html'), '<!DOCTYPE html><html><head><meta charset="utf-8"><title>blank</title></head><body></body></html>');
}
if (!args.includes('--browser-only') && ['native', 'import', 'charts', 'search', 'save'].some((k) => ONLY.has(k))) {
  log('native: measuring (cargo bench --bench native -- measure)…');
  native = cargoBench('measure');
  results.native = native;
}

const server = await serve(site, '/dvk/');
const base = server.base;
try {
  if (ONLY.has('cold') || ONLY.has('search') || ONLY.has('save') || ONLY.has('charts')) {
    // 2,226: loaded with the app's own "demo data" button, as an officer would
    if (ONLY.has('cold')) {
      const ctx = await launch();
      await warmUp(ctx, base);
      const page = await newPage(ctx);
      await page.goto(`${base}index.html#/models`);
      await page.click('[data-testid=load-demo]');
      await page.waitForFunction((want) => (document.querySelector('[data-testid=result-count]')?.textContent || '').replace(/\D/g, '').endsWith(want), String(N_SMALL), { timeout: 120000 });
      await page.close();
      results.cold2226 = await coldStart(ctx, base, N_SMALL);
      results.cold2226sw = await coldStart(ctx, base, N_SMALL, false);
      results.cold2226snap = await coldStart(ctx, base, N_SMALL, true, true);
      await ctx.close();
    }
    // 20,000: the stored value written natively (encode_records of scaled_demo(20000))
    const ctx = await launch();
    await warmUp(ctx, base);
    const units = await store(ctx, base, 'store-20000.json');
    results.stored20000Units = units;
    if (ONLY.has('cold')) {
      results.cold20000 = await coldStart(ctx, base, N_BIG);
      results.cold20000snap = await coldStart(ctx, base, N_BIG, true, true);
    }
    if (ONLY.has('search')) results.search = await search(ctx, base, N_BIG);
    if (ONLY.has('charts')) results.dashboard = await dashboardRender(ctx, base, N_BIG);
    if (ONLY.has('save')) {
      // a plain-JSON copy of the same registry for the JS baseline
      results.save = await save(ctx, base, N_BIG, 'plain-20000.json');
    }
    await ctx.close();
  }
  if (ONLY.has('import')) {
    const ctx = await launch();
    results.jsonParse = await jsonParse(ctx, base);
    await warmUp(ctx, base);
    results.importApp = await importInApp(ctx, base, join(site, 'import-2226.json'));
    // 20,000 into 20,000 (#28 item 2: the screen answers throughout): one run, it is slow
    results.importBig = await importInApp(ctx, base, join(site, 'import-20000.json'),
      { stored: 'store-20000.json', file: 'import-20000.json', expectNew: '10000', runs: Number(process.env.BIG_IMPORT_RUNS || 1) });
    await ctx.close();
  }
  if (ONLY.has('capacity')) {
    const ctx = await launch();
    results.capacity = await capacity(ctx, base);
    await ctx.close();
  }
  if (ONLY.has('transfer')) results.transfer = await transferBench(base);
  if (ONLY.has('photo')) results.photo = await photoBench(base);
  if (ONLY.has('lighthouse')) {
    const { lighthouseBench } = await import('./lighthouse.mjs');
    results.lighthouse = await lighthouseBench(site, Number(process.env.LH_RUNS || 3), log);
  }
} finally {
  await server.close();
}

// ------------------------------------------------------------------------------------------------ table

const c2 = results.cold2226, c20 = results.cold20000;
if (c2) row(`2. cold start, ${N_SMALL} models (4× CPU)`, ms(c2.app), `static page ${ms(c2.baseline)}`, x(c2.app / c2.baseline), '≤ 1.3×', c2.app / c2.baseline <= 1.3);
if (c2) row('   timeline: wasm fetched / compiled / figures shown', `${ms(c2.wasmLoaded)} / ${ms(c2.wasmDone)} / ${ms(c2.shown)}`, '', '', '', undefined);
for (const [c, n] of [[c2, N_SMALL], [c20, N_BIG]]) {
  if (c) row(`   … to the task after the figures, before their frame (the figure until 8 Dec), ${n}`, ms(c.taskEnd.app), `static page ${ms(c.taskEnd.baseline)}`, x(c.taskEnd.app / c.taskEnd.baseline), '', undefined);
}
const c2w = results.cold2226sw;
if (c2w) row(`   returning visit (service worker), ${N_SMALL}`, ms(c2w.app), `static page ${ms(c2w.baseline)}`, x(c2w.app / c2w.baseline), '', undefined);
if (c20) row(`   cold start, ${N_BIG} models (4× CPU)`, ms(c20.app), `static page ${ms(c20.baseline)}`, x(c20.app / c20.baseline), '≤ 2×', c20.app / c20.baseline <= 2);
if (c20) row('   timeline: wasm fetched / compiled / figures shown', `${ms(c20.wasmLoaded)} / ${ms(c20.wasmDone)} / ${ms(c20.shown)}`, '', '', '', undefined);
for (const [c, n] of [[results.cold2226snap, N_SMALL], [results.cold20000snap, N_BIG]]) {
  if (!c) continue;
  row(`   with the saved dashboard, ${n}: figures visible (4× CPU)`, ms(c.painted), `static page ${ms(c.baseline)}`, x(c.painted / c.baseline), '', undefined);
  row(`   … then interactive, ${n} (4× CPU)`, ms(c.app), `static page ${ms(c.baseline)}`, x(c.app / c.baseline), '', undefined);
}
const s = results.search;
if (s) {
  const t = s[`t${THROTTLE}`], u = s.t1;
  row(`3. search keystroke → count, ${N_BIG} (4× CPU)`, ms(t.app), `JS filter ${ms(t.js)}`, x(t.app / t.js), '≤ 16 ms and ≤ 2×', t.app <= 16 && t.app / t.js <= 2);
  row('   … until the list is redrawn (4× CPU)', ms(t.appIdle), `JS filter ${ms(t.jsIdle)}`, x(t.appIdle / t.jsIdle), '', undefined);
  if (native) row('   native, per keystroke: typing on (narrowed) / one pass over the kept order / select+sort / field counts / index scan', `${ms(native.key_typing_ms)} / ${ms(native.key_list_ms)} / ${ms(native.key_select_ms)} / ${ms(native.key_field_counts_ms)} / ${ms(native.key_scan_ms)}`, '', '', '', undefined);
  if (native) row('   native, search index: first search folds all / after one edit', `${ms(native.search_index_build_ms)} / ${ms(native.search_index_after_edit_ms)}`, '', '', '', undefined);
  row(`   search keystroke → count, ${N_BIG} (no throttle)`, ms(u.app), `JS filter ${ms(u.js)}`, x(u.app / u.js), '≤ 16 ms and ≤ 2×', u.app <= 16 && u.app / u.js <= 2);
  row('   … until the list is redrawn (no throttle)', ms(u.appIdle), `JS filter ${ms(u.jsIdle)}`, x(u.appIdle / u.jsIdle), '', undefined);
}
if (native) {
  const imp = native.import_read_ms + native.import_merge_ms;
  row(`4. import+merge ${N_SMALL} into ${N_SMALL} (native)`, ms(imp), `serde Value ${ms(native.import_json_value_ms)}`, x(imp / native.import_json_value_ms), '≤ 3×', imp / native.import_json_value_ms <= 3);
  row('   of which read / merge (native)', `${ms(native.import_read_ms)} / ${ms(native.import_merge_ms)}`, '', '', '', undefined);
  if (native.import_apply_ms) row('   the app\'s apply (backup, merge, history, save) / of which history / save (native)', `${ms(native.import_apply_ms)} / ${ms(native.import_history_ms)} / ${ms(native.import_save_ms)}`, `serde Value ${ms(native.import_json_value_ms)}`, x(native.import_apply_ms / native.import_json_value_ms), '', undefined);
}
const ia = results.importApp;
if (ia) row(`   import ${N_SMALL} in the app: preview + apply (browser, 4× CPU)`, ms(ia.preview + ia.apply), `JSON.parse ${ms(ia.parse)}`, x((ia.preview + ia.apply) / ia.parse), '≤ 5× (#16)', (ia.preview + ia.apply) / ia.parse <= 5);
if (ia) row('   of which preview / apply (incl. backup + save); longest task in each', `${ms(ia.preview)} / ${ms(ia.apply)}; ${ms(ia.longestPreview)} / ${ms(ia.longestApply)}`, '', '', '', undefined);
const ib = results.importBig;
if (ib) row(`   import ${N_BIG} into ${N_BIG}: preview / apply; longest task in each (4× CPU)`, `${ms(ib.preview)} / ${ms(ib.apply)}; ${ms(ib.longestPreview)} / ${ms(ib.longestApply)}`, `JSON.parse ${ms(ib.parse)}`, x((ib.preview + ib.apply) / ib.parse), '', undefined);
if (results.jsonParse && native) row('   JSON.parse of the file in the browser (1× and 4× CPU)', `${ms(results.jsonParse.t1)} / ${ms(results.jsonParse[`t${THROTTLE}`])}`, `serde Value (native) ${ms(native.import_json_value_ms)}`, x(results.jsonParse.t1 / native.import_json_value_ms), '', undefined);
const cap = results.capacity;
if (cap) row('5. models (3 evaluations each) that fit in localStorage', cap.n.toLocaleString('en'), `room ${cap.room.toLocaleString('en')} units`, x(cap.n / 20000), '≥ 20,000 (≥ 1.00×)', cap.n >= 20000 && cap.fitStored && !cap.overStored);
if (cap) row('   … and can still take full imports (backup + rewrite)', cap.n_import.toLocaleString('en'), '(native, same room)', x(cap.n_import / 20000), '≥ 20,000', cap.n_import >= 20000);
if (native) {
  row(`6. charts: stats + 5 SVGs, ${N_BIG} (native)`, ms(native.charts_all_ms), `one pass ${ms(native.charts_baseline_pass_ms)}`, x(native.charts_all_ms / native.charts_baseline_pass_ms), '', undefined);
  row('   of which stats / drawing (native)', `${ms(native.charts_stats_ms)} / ${ms(native.charts_draw_ms)}`, '', '', '', undefined);
  if (native.docx_2226_ms) {
    row(`   Word report (content + .docx), ${N_SMALL} / ${N_BIG} (native)`, `${ms(native.docx_2226_ms)} / ${ms(native.docx_20000_ms)}`, `content alone ${ms(native.docx_content_2226_ms)}`, x(native.docx_2226_ms / native.docx_content_2226_ms), '', undefined);
    row('   … the file, 2,226 / 20,000 (charts as tables)', `${kb(native.docx_bytes_2226)} / ${kb(native.docx_bytes_20000)}`, '', '', '', undefined);
  }
}
const d = results.dashboard;
if (d) row(`   dashboard render, ${N_BIG} (browser, 4× CPU)`, ms(d.app), `same SVGs inserted ${ms(d.baseline)}`, x(d.app / d.baseline), '', undefined);
const sv = results.save;
if (sv) {
  row(`   save one edit, ${N_BIG}: on screen (browser, 4× CPU)`, ms(sv.screen), `JSON.stringify ${ms(sv.stringify)}`, x(sv.screen / sv.stringify), '', undefined);
  row('   … then the deferred write holds the main thread', ms(sv.write), `JSON.stringify ${ms(sv.stringify)}`, x(sv.write / sv.stringify), '', undefined);
  row('   … of which localStorage.setItem', ms(sv.setItem), `${sv.units.toLocaleString('en')} units written`, '', '', undefined);
}
if (native) row(`   save one edit / whole registry, ${N_BIG} (native)`, `${ms(native.save_edit_ms)} / ${ms(native.save_full_ms)}`, `serde to_vec ${ms(native.save_plain_json_ms)}`, x(native.save_full_ms / native.save_plain_json_ms), '', undefined);
if (native) row(`   backup before import (manifest of the stored chunks), ${N_BIG} (native)`, ms(native.backup_ms), `serde to_vec ${ms(native.save_plain_json_ms)}`, x(native.backup_ms / native.save_plain_json_ms), '', undefined);
if (native) row(`   load (decode+parse+index) ${N_BIG} (native)`, ms(native.load_total_ms), `serde Value ${ms(native.load_parse_value_ms)}`, x(native.load_total_ms / native.load_parse_value_ms), '', undefined);
const tr = results.transfer;
if (tr) {
  const secs = tr.firstToPreviewMs / 1000;
  row(`7. phone to phone: a commune of ${COMMUNE_N} models, no photos (fake camera, 1 run)`, `${(COMMUNE_N / secs).toFixed(1)} records/s`, `${tr.fragments} fragments at 5 codes/s: ${(tr.fragments / 5).toFixed(1)} s`, x(secs / (tr.fragments / 5)), '', undefined);
  row('   first code read → import preview / camera opened → first code', `${ms(tr.firstToPreviewMs)} / ${ms(tr.openToFirstMs)}`, tr.summary, '', '', undefined);
  row('   jsQR decode of one 640×480 camera picture (4× CPU)', ms(tr.decodeMs), `${tr.decodeRead} of ${tr.decodeOf} read`, '', '', undefined);
}
const ph = results.photo;
if (ph) row(`8. a 12-megapixel photo (${kb(ph.sourceBytes)}) picked → shrunk, stored, shown (4× CPU)`, ms(ph.app), `createImageBitmap + canvas JPEG ${ms(ph.js)}`, x(ph.app / ph.js), '', undefined);
const lh = results.lighthouse;
if (lh) {
  const lhRuns = lh.runs.first.length;
  for (const [name, f] of [['first visit', lh.first], ['return visit (service worker)', lh.back]]) {
    row(`9. Lighthouse mobile, make serve, ${name}: performance (median of ${lhRuns})`, String(f.score), '', '', '≥ 95', f.score >= 95);
    row(`   … LCP / FCP / total blocking time`, `${(f.lcp / 1000).toFixed(2)} s / ${(f.fcp / 1000).toFixed(2)} s / ${ms(f.tbt)}`, `${kb(f.bytes)} transferred`, '', 'LCP ≤ 2.5 s', f.lcp <= 2500);
  }
}

const cols = ['figure', 'value', 'baseline', 'ratio', 'target', 'met'];
const heads = { figure: 'Figure', value: 'Value (median)', baseline: 'Baseline (same run)', ratio: 'Ratio', target: 'Target', met: 'Met' };
const widths = Object.fromEntries(cols.map((c) => [c, Math.max(heads[c].length, ...rows.map((r) => String(r[c]).length))]));
const line = (r) => '| ' + cols.map((c) => String(r[c]).padEnd(widths[c])).join(' | ') + ' |';
console.log(`\nDVK Registry benchmarks — medians of ${RUNS} runs, ${THROTTLE}× CPU throttling where noted, ${new Date().toISOString()}\n`);
console.log(line(heads));
console.log('|' + cols.map((c) => '-'.repeat(widths[c] + 2)).join('|') + '|');
for (const r of rows) console.log(line(r));
await mkdir(join(ROOT, 'target', 'bench'), { recursive: true });
await writeFile(join(ROOT, 'target', 'bench', 'results.json'), JSON.stringify(results, null, 2));
console.log(`\n(all figures: target/bench/results.json)`);
await rm(work, { recursive: true, force: true });
