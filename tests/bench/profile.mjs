// Where the browser time goes (see BENCHMARKS.md): a CPU profile (CDP Profiler, 4× CPU throttling) of
//   - the cold start of the dashboard with 20,000 models stored,
//   - typing a search on the model list over them,
//   - saving one edit (an evaluation) and its deferred write,
// with the wasm's function names kept, summed by function family (self time).
//
//   PATH=tests/e2e/node_modules/.bin:$PATH node tests/bench/profile.mjs [--dist DIR] [--top 15] \
//     [--only cold,search,save,import] [--callers FN]
//
// Without --dist it first builds the app as `make build` does (the same cargo output, split into the same
// chunks by public/split.mjs) into target/bench-profile/dist, with DVK_WASM_NAMES=1 so that wasm-opt keeps
// the name section of the main module and of every chunk (the import page is in the `share` chunk): the
// profile names Rust functions. The cargo build is the release build's, so after `make build` only the
// split and wasm-opt steps run again. --dist DIR profiles a build made that way already (names or not).
// wasm-opt and wasm-split-cli must be on PATH (tests/e2e/node_modules/.bin, ~/.cargo/bin: `make tools`).
import { cp, mkdtemp, writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir, homedir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { serve } from '../e2e/harness.mjs';
import { ROOT, cargoBench, family, launch, newPage, warmUp, store, READY_SCRIPT, KEY_FN, openModelForSave, openImport } from './lib.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : dflt; };
const TOP = Number(opt('top', 15));
const ONLY = opt('only', 'cold,search,save,import').split(','); // which profiles to take
const CALLERS = opt('callers', ''); // print the call paths into this function (self time, ms)
const work = await mkdtemp(join(tmpdir(), 'dvk-profile-'));
const site = join(work, 'site');
let dist = opt('dist', '');
if (!dist) {
  dist = join(ROOT, 'target', 'bench-profile', 'dist');
  const release = Object.fromEntries(execFileSync('make', ['-s', 'wasm-release-env'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).replace(/^'(.*)'$/, '$1')]));
  const env = { ...process.env, ...release, DVK_WASM_NAMES: '1', TRUNK_SKIP_VERSION_CHECK: 'true',
    PATH: `${join(ROOT, 'tests', 'e2e', 'node_modules', '.bin')}:${join(homedir(), '.cargo', 'bin')}:${process.env.PATH}` };
  execFileSync('trunk', ['build', '--release', '--offline', '--dist', dist], { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] });
}
await cp(dist, site, { recursive: true });
cargoBench(1, 'prepare', site);
await writeFile(join(site, 'blank.html'), '<!DOCTYPE html><html><head><meta charset="utf-8"><title>blank</title></head><body></body></html>');

/** Self time by function family and the top functions, from a CDP profile. */
function summarise(title, profile) {
  const self = new Map();
  const byFn = new Map();
  const dt = new Map();
  profile.samples.forEach((id, i) => dt.set(id, (dt.get(id) || 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000));
  let total = 0;
  for (const node of profile.nodes) {
    const t = dt.get(node.id) || 0;
    if (!t) continue;
    const { functionName, url } = node.callFrame;
    let fam;
    if (functionName === '(idle)' || functionName === '(program)') continue;
    if (functionName === '(garbage collector)') fam = 'JS garbage collector';
    else if (url.endsWith('.wasm') || /::/.test(functionName)) fam = family(functionName);
    else if (url.includes('dvk-registry-')) fam = 'JS glue (wasm-bindgen)';
    else fam = `browser / JS (${functionName || 'anonymous'})`.slice(0, 60);
    total += t;
    self.set(fam, (self.get(fam) || 0) + t);
    const key = functionName.replace(/::h[0-9a-f]{16}$/, '').slice(0, 110) || `(anonymous) ${url.split('/').pop()}:${node.callFrame.lineNumber + 1}`;
    byFn.set(key, (byFn.get(key) || 0) + t);
  }
  console.log(`\n### ${title} — ${total.toFixed(0)} ms of CPU (self time, 4× throttled)\n`);
  console.log('| Family | ms | share |\n|---|---:|---:|');
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`| ${k} | ${v.toFixed(0)} | ${(100 * v / total).toFixed(0)}% |`);
  if (CALLERS) {
    const parent = new Map();
    for (const node of profile.nodes) for (const c of node.children || []) parent.set(c, node);
    const paths = new Map();
    for (const node of profile.nodes) {
      if (node.callFrame.functionName !== CALLERS || !dt.get(node.id)) continue;
      const chain = [];
      for (let p = parent.get(node.id); p && chain.length < 8; p = parent.get(p.id)) chain.push(p.callFrame.functionName.replace(/::h[0-9a-f]{16}$/, '').slice(-70) || '(anonymous)');
      const k = chain.join(' <- ');
      paths.set(k, (paths.get(k) || 0) + dt.get(node.id));
    }
    console.log(`\nCallers of ${CALLERS}:`);
    for (const [k, v] of [...paths].sort((a, b) => b[1] - a[1]).slice(0, 6)) console.log(`  ${v.toFixed(0)} ms: ${k}`);
  }
  console.log('\n| Function (self) | ms |\n|---|---:|');
  for (const [k, v] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, TOP)) console.log(`| \`${k.replace(/\|/g, '\\|')}\` | ${v.toFixed(0)} |`);
}

async function profiled(page, fn) {
  await page.cdp.send('Profiler.enable');
  await page.cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await page.cdp.send('Profiler.start');
  await fn();
  const { profile } = await page.cdp.send('Profiler.stop');
  return profile;
}

const server = await serve(site, '/dvk/');
const base = server.base;
const ctx = await launch(work);
try {
  await warmUp(ctx, base);
  // cold start: profiling starts on a blank page, then navigates
  for (const n of ONLY.includes('cold') ? [2226, 20000] : []) {
    await store(ctx, base, `store-${n}.json`);
    const page = await newPage(ctx, { throttle: 4, noCache: true, bypassSW: true });
    await page.addInitScript(READY_SCRIPT);
    await page.addInitScript((want) => { window.__want = want; }, String(n));
    await page.goto(`${base}blank.html`);
    const p = await profiled(page, async () => {
      await page.goto(`${base}index.html#/`);
      await page.waitForFunction(() => window.__ready, null, { timeout: 300000, polling: 200 });
    });
    summarise(`Cold start, dashboard, ${n.toLocaleString('en')} models`, p);
    await page.close();
  }
  // search: the same keystrokes as run.mjs
  if (ONLY.includes('search')) {
    if (!ONLY.includes('cold')) await store(ctx, base, 'store-20000.json');
    const page = await newPage(ctx);
    await page.goto(`${base}index.html#/models`);
    await page.waitForFunction(() => (document.querySelector('[data-testid=result-count]')?.textContent || '').replace(/\D/g, '').endsWith('20000'), null, { timeout: 120000 });
    await page.evaluate(KEY_FN);
    await page.cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    const p = await profiled(page, async () => {
      for (const q of ['nuoi bo', 'a luoi', 'dan van']) {
        for (let i = 1; i <= q.length; i++) {
          if (q[i - 1] === ' ') continue;
          await page.evaluate((v) => window.__key('#search', '[data-testid=result-count]', v), q.slice(0, i));
        }
        await page.evaluate(() => window.__key('#search', '[data-testid=result-count]', ''));
      }
    });
    summarise('Typing three searches (17 keystrokes + 3 clears), 20,000 models', p);
    await page.close();
  }
  // save: one evaluation, then the deferred write
  if (ONLY.includes('save')) {
    if (!ONLY.includes('cold') && !ONLY.includes('search')) await store(ctx, base, 'store-20000.json');
    const page = await openModelForSave(ctx, base);
    await page.cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    const p = await profiled(page, async () => {
      await page.click('[data-testid=rate-effective]');
      await page.click('[data-testid=save-evaluation]');
      await page.waitForFunction(() => window.__saved && window.__writeTask && window.__writeTask.t1, null, { timeout: 120000 });
    });
    summarise('Saving one evaluation (screen update + deferred write), 20,000 models', p);
    await page.close();
  }
  // import: a 2,226-model file into 2,226 sharing half the ids (preview, then apply); IMPORT_MODELS=20000
  // for the 20,000 file into 20,000
  if (ONLY.includes('import')) {
    const n = process.env.IMPORT_MODELS || '2226';
    await store(ctx, base, `store-${n}.json`);
    const page = await openImport(ctx, base, 4);
    const p1 = await profiled(page, async () => {
      await page.setInputFiles('[data-testid=import-file]', join(site, `import-${n}.json`));
      await page.waitForFunction(() => window.__previewIdle, null, { timeout: 180000 });
    });
    summarise(`Import preview (read and check the file, preview the merge), ${n} into ${n}`, p1);
    await page.evaluate(() => { window.__saved = null; });
    const p2 = await profiled(page, async () => {
      await page.click('[data-testid=confirm-import]');
      await page.waitForSelector('[data-testid=undo-import]', { timeout: 300000 });
    });
    summarise(`Import apply (backup, merge, history, save), ${n} into ${n}`, p2);
    await page.close();
  }
} finally {
  await ctx.close();
  await server.close();
  await rm(work, { recursive: true, force: true });
}
