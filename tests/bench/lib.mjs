// Shared by the benchmark scripts (run.mjs, profile.mjs): the browser, pages, fixtures and in-page probes.
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '../e2e/node_modules/playwright-core/index.mjs';
import { serve } from '../e2e/harness.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const n = s.length; return n ? (n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2) : NaN; };
export const digits = (s) => (s || '').replace(/\D/g, '');


/** Runs tests/bench/native.rs (`cargo bench --bench native -- …`) and returns its JSON answer. */
export function cargoBench(runs, ...cmd) {
  const out = execFileSync('cargo', ['bench', '--locked', '-q', '--bench', 'native', '--', ...cmd],
    { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26, env: { ...process.env, BENCH_RUNS: String(runs) } });
  return JSON.parse(out.trim().split('\n').pop());
}

/** What the by-hand cold-start scripts (first-task.mjs, trace-cold.mjs) start from: a copy of `dist` with
 * the fixtures (`native.rs prepare`) and a blank page, served under /dvk/, a warmed-up browser, and
 * `store-<n>.json` stored. Close `ctx` and `server` when done. */
export async function coldStartSite(dist, n, name) {
  const work = await mkdtemp(join(tmpdir(), `dvk-${name}-`));
  const site = join(work, 'site');
  await cp(dist, site, { recursive: true });
  cargoBench(1, 'prepare', site);
  await writeFile(join(site, 'blank.html'), '<!DOCTYPE html><html><head><meta charset="utf-8"><title>blank</title></head><body></body></html>');
  const server = await serve(site, '/dvk/');
  const ctx = await launch(work);
  await warmUp(ctx, server.base);
  await store(ctx, server.base, `store-${n}.json`);
  return { server, ctx };
}

/** Headless Debian Chromium with a fresh profile (in `workDir`); `extraArgs` to Chromium (a fake camera). */
export async function launch(workDir, extraArgs = [], options = {}) {
  const dir = await mkdtemp(join(workDir, 'profile-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', ...extraArgs],
    ...options,
    viewport: { width: 360, height: 740 },
    // The app's service worker is allowed (as for an officer); loads that must come from the network say so
    // (`bypassSW`).
    serviceWorkers: 'allow',
  });
  return context;
}

/** A page with CPU throttling and cache settings applied through CDP (`page.cdp`); page errors are
 * collected in `page.errors`. */
export async function newPage(context, { throttle = 1, noCache = false, bypassSW = false } = {}) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text()); });
  page.on('response', (r) => { if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) errors.push(`${r.status()} ${r.url()}`); });
  page.errors = errors;
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
  if (noCache || bypassSW) await cdp.send('Network.enable');
  if (noCache) await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  if (bypassSW) await cdp.send('Network.setBypassServiceWorker', { bypass: true });
  page.cdp = cdp;
  return page;
}

/** Opens the app once in a fresh profile and waits until its service worker controls the page (the app
 * reloads itself when a worker takes over), so later pages are not reloaded under the benchmark. */
export async function warmUp(context, base) {
  const page = await newPage(context);
  await page.goto(`${base}index.html#/models`);
  for (let i = 0; i < 100; i++) {
    try {
      if (await page.evaluate(() => !!navigator.serviceWorker?.controller)) break;
    } catch { /* the page is reloading */ }
    await page.waitForTimeout(200);
  }
  await page.waitForLoadState('load');
  await page.waitForTimeout(500);
  await page.close();
}

/** Puts a stored registry into this origin's localStorage: `file` maps every key the app keeps to its
 * value, as the app's own repository wrote them (tests/bench/native.rs `prepare`). */
export async function store(context, base, file) {
  const page = await newPage(context);
  await page.goto(`${base}blank.html`);
  const units = await page.evaluate(async (f) => {
    const kv = await (await fetch(f)).json();
    localStorage.clear();
    let units = 0;
    for (const [k, v] of Object.entries(kv)) { localStorage.setItem(k, v); units += k.length + v.length; }
    return units;
  }, file);
  await page.close();
  return units;
}

// Installed in every page before its scripts: notes when the dashboard's total shows the expected count
// (`__shown`), when the main thread next runs a task after that (`__taskEnd`), and when it runs one after
// the frame that painted it (`__ready`: the count is on screen and the page can take input). The static
// baseline's total shows while its HTML is parsed, before any layout; the app's, in a task after which a
// frame is due; so only `__ready`, which counts the first frame's style, layout and paint in both, compares
// the two (`__taskEnd` was the figure until 8 Dec).
export const READY_SCRIPT = `(() => {
  const check = () => {
    const want = window.__want;
    const el = document.querySelector('[data-testid=total]');
    if (!window.__shown && el && want && el.textContent.replace(/\\D/g, '') === want) {
      window.__shown = performance.now();
      setTimeout(() => { window.__taskEnd = performance.now(); }, 0);
      requestAnimationFrame(() => setTimeout(() => { window.__ready = performance.now(); }, 0));
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true });
  document.addEventListener('DOMContentLoaded', check);
  // when the wasm module starts and ends compiling + instantiating (the app's main runs right after)
  for (const name of ['instantiateStreaming', 'instantiate']) {
    const orig = WebAssembly[name];
    WebAssembly[name] = function (...a) {
      window.__wasmStart ??= performance.now();
      return orig.apply(this, a).then((r) => { window.__wasmDone ??= performance.now(); return r; });
    };
  }
})();`;

// In-page: set the value of `input`, dispatch `input`, time until `counter` changes (MutationObserver)
// and until the next task (everything the keystroke caused has run).
export const KEY_FN = `window.__key = (inputSel, counterSel, value) => new Promise((resolve) => {
  const input = document.querySelector(inputSel), counter = document.querySelector(counterSel);
  let t0, done = false;
  const finish = (changed) => { if (done) return; done = true; mo.disconnect();
    const t1 = performance.now();
    setTimeout(() => resolve({ count: changed ? t1 - t0 : null, idle: performance.now() - t0, text: counter.textContent }), 0); };
  const mo = new MutationObserver(() => finish(true));
  mo.observe(counter, { subtree: true, childList: true, characterData: true });
  setTimeout(() => finish(false), 2000);
  input.value = value;
  t0 = performance.now();
  input.dispatchEvent(new Event('input', { bubbles: true }));
});`;

// Times one saved evaluation. The app updates the screen at once and writes the registry in a timer a
// moment later (coalescing edits): `screen` is from the form's submit to the next task (the edit is on
// screen); `write` is how long the timer task that wrote `dvk.records*` held the main thread (encoding and
// localStorage.setItem), and `setItem` the part of it spent in setItem.
export const SAVE_SCRIPT = `(() => {
  const set = Storage.prototype.setItem;
  Storage.prototype.setItem = function (k, v) {
    const t = performance.now();
    const r = set.call(this, k, v);
    if (k.startsWith('dvk.records')) {
      const s = (window.__io ||= { n: 0, ms: 0, units: 0 });
      s.n++; s.ms += performance.now() - t; s.units += k.length + v.length;
      if (window.__task) window.__task.wrote = true;
      if (k === 'dvk.records') window.__saved = { start: t, end: performance.now() };
    }
    return r;
  };
  const st = window.setTimeout;
  window.setTimeout = function (fn, ms, ...rest) {
    if (typeof fn !== 'function') return st.call(this, fn, ms, ...rest);
    return st.call(this, function (...a) {
      const task = window.__task = { t0: performance.now(), wrote: false };
      try { return fn.apply(this, a); } finally {
        task.t1 = performance.now(); window.__task = null;
        if (task.wrote) window.__writeTask = task;
      }
    }, ms, ...rest);
  };
  // A change is written inside the Web Lock's callback (two tabs take turns): that callback is timed the
  // same way as a timer task.
  if (navigator.locks && navigator.locks.request) {
    const req = navigator.locks.request.bind(navigator.locks);
    navigator.locks.request = function (name, ...rest) {
      const cb = rest[rest.length - 1];
      if (typeof cb !== 'function') return req(name, ...rest);
      const timed = function (...a) {
        const task = window.__task = { t0: performance.now(), wrote: false };
        try { return cb.apply(this, a); } finally {
          task.t1 = performance.now(); window.__task = null;
          if (task.wrote) window.__writeTask = task;
        }
      };
      return req(name, ...rest.slice(0, -1), timed);
    };
  }
  window.addEventListener('submit', () => {
    window.__submit = performance.now(); window.__saved = null; window.__writeTask = null; window.__io = null;
    st.call(window, () => { window.__screen = performance.now(); }, 0);
  }, true);
})();`;

/** The crate / function family of a (demangled) wasm function name, for size and profile tables. */
export function family(n) {
  n = n.replace(/\[[0-9a-f]{16}\]/g, "");
  if (/\bserde/.test(n)) return 'serde / serde_json (parsers, writers, our derives)';
  if (/\b(tachys|leptos|reactive_graph|leptos_router|any_spawner|throw_error|or_poisoned|hydration_context|oco_ref|send_wrapper|futures|wasm_bindgen_futures|slotmap|either_of)/.test(n)) return 'leptos: tachys view code, reactive graph, router (our views monomorphised)';
  if (/plotters/.test(n)) return 'plotters';
  if (/\btime::/.test(n)) return 'time (RFC 3339 parse/format)';
  if (/unicode_normalization/.test(n)) return 'unicode-normalization (code)';
  if (/miniz_oxide/.test(n)) return 'miniz_oxide (deflate/inflate)';
  if (/\b(rust_xlsxwriter|zip|zlib_rs|zopfli|flate2|crc32fast)::/.test(n)) return 'rust_xlsxwriter + zip, zlib-rs, zopfli (the Excel export)';
  if (/dvk_registry::export/.test(n)) return 'our export code (tables, CSV, workbook)';
  if (/core::fmt|alloc::fmt|Debug|Display|fmt::/.test(n)) return 'fmt (Debug/Display/format!)';
  if (/\b(wasm_bindgen|js_sys|web_sys|gloo)|intounderlying|wbindgen|externref|^Closure|wbg/.test(n)) return 'wasm-bindgen / js-sys / web-sys / gloo';
  if (/dvk_registry::(ui|main)/.test(n)) return 'our UI code (component bodies, main)';
  if (/dvk_registry::storage/.test(n)) return 'our storage code (repository, codec)';
  if (/dvk_registry::domain::demo/.test(n)) return 'our demo-data generator';
  if (/dvk_registry::/.test(n)) return 'our domain, charts and i18n code';
  return 'std / core / alloc / hashbrown / indexmap (incl. drop glue of our types)';
}

// Marks the import's moments: the file picked, the preview shown (and the next task), "import" clicked.
export const IMPORT_SCRIPT = `(() => {
  window.addEventListener('change', () => { window.__picked = performance.now(); }, true);
  window.addEventListener('click', (e) => { if (e.target.closest('[data-testid=confirm-import]')) window.__confirm = performance.now(); }, true);
  new MutationObserver(() => {
    if (window.__picked && !window.__previewed && document.querySelector('[data-testid=import-preview]')) {
      window.__previewed = performance.now();
      setTimeout(() => { window.__previewIdle = performance.now(); }, 0);
    }
  }).observe(document, { subtree: true, childList: true });
})();`;

/** A model's page (the first of the list) with SAVE_SCRIPT installed, ready to record an evaluation. */
export async function openModelForSave(context, base) {
  const page = await newPage(context);
  await page.addInitScript(SAVE_SCRIPT);
  await page.goto(`${base}index.html#/models`);
  await page.waitForSelector('.model-list li a');
  const href = await page.locator('.model-list li a').first().getAttribute('href');
  await page.goto(`${base}index.html${href}`);
  // the evaluation form opens in a sheet from "Thêm đánh giá" at the top of the page
  await page.waitForSelector('[data-testid=add-evaluation]');
  await page.click('[data-testid=add-evaluation]');
  await page.waitForSelector('[data-testid=save-evaluation]');
  return page;
}

/** The exchange page with SAVE_SCRIPT and IMPORT_SCRIPT installed, CPU throttled by `throttle`. */
export async function openImport(context, base, throttle) {
  const page = await newPage(context);
  await page.addInitScript(SAVE_SCRIPT);
  await page.addInitScript(IMPORT_SCRIPT);
  await page.goto(`${base}index.html#/exchange`);
  await page.waitForSelector('[data-testid=import-file]', { state: 'attached' });
  await page.cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
  return page;
}
