// Where a cold start's time goes, task by task (by hand, like first-task.mjs): a Chromium trace of one
// cold load of the dashboard at 4× CPU (no cache, no service worker, no saved dashboard), and each
// main-thread task from navigation to the task after the total shows (`__ready`), with what it did
// (script, parse, style, layout, paint, wasm compile) and its longest function calls.
//
//   PATH=tests/e2e/node_modules/.bin:$PATH node tests/bench/trace-cold.mjs [--dist DIR] [--models 2226|20000]
import { join } from 'node:path';
import { ROOT, coldStartSite, newPage, READY_SCRIPT } from './lib.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : dflt; };
const dist = opt('dist', join(ROOT, 'dist'));
const n = Number(opt('models', '2226'));
const { server, ctx } = await coldStartSite(dist, n, 'trace-cold');
try {
  const page = await newPage(ctx, { throttle: 4, noCache: true, bypassSW: true });
  await page.addInitScript(() => localStorage.removeItem('dvk.snapshot'));
  await page.addInitScript(READY_SCRIPT);
  await page.addInitScript((want) => { window.__want = want; }, String(n));
  await page.goto(`${server.base}blank.html`);
  const events = [];
  page.cdp.on('Tracing.dataCollected', (d) => events.push(...d.value));
  const done = new Promise((r) => page.cdp.once('Tracing.tracingComplete', r));
  await page.cdp.send('Tracing.start', { categories: process.env.TRACE_CATS || 'devtools.timeline,v8.execute,disabled-by-default-devtools.timeline,blink.user_timing,loading', transferMode: 'ReportEvents' });
  await page.goto(`${server.base}index.html#/`);
  await page.waitForFunction(() => window.__ready, null, { timeout: 300000, polling: 50 });
  const t = await page.evaluate(() => ({ origin: performance.timeOrigin, wasmStart: window.__wasmStart, wasmDone: window.__wasmDone, shown: window.__shown, ready: window.__ready }));
  await page.cdp.send('Tracing.end');
  await done;
  // the renderer's main thread: the one with the most RunTask time after navigation
  const nav = events.find((e) => e.name === 'navigationStart' && e.args?.data?.documentLoaderURL?.includes('index.html'))
    || events.find((e) => e.name === 'navigationStart');
  const t0 = nav.ts; // µs
  const byThread = new Map();
  for (const e of events) if (e.ph === 'X' && e.name === 'RunTask' && e.ts >= t0) {
    const k = `${e.pid}:${e.tid}`; byThread.set(k, (byThread.get(k) || 0) + e.dur);
  }
  const main = [...byThread].sort((a, b) => b[1] - a[1])[0][0];
  const on = events.filter((e) => `${e.pid}:${e.tid}` === main && e.ph === 'X' && e.ts >= t0);
  const end = t0 + t.ready * 1000 + 20000;
  const tasks = on.filter((e) => e.name === 'RunTask' && e.ts < end && e.dur > 2000);
  const KINDS = ['FunctionCall', 'EvaluateScript', 'v8.compile', 'v8.wasm.compiledModule', 'wasm.CompileLazy', 'ParseHTML', 'UpdateLayoutTree', 'Layout', 'Paint', 'PrePaint', 'Layerize', 'Commit', 'TimerFire', 'FireAnimationFrame', 'RunMicrotasks', 'V8.GC_SCAVENGER', 'MajorGC', 'MinorGC', 'ParseAuthorStyleSheet', 'HitTest'];
  console.log(`${n} models, ms from navigation: wasm asked ${t.wasmStart?.toFixed(0)}, compiled ${t.wasmDone?.toFixed(0)}, figures ${t.shown?.toFixed(0)}, ready ${t.ready?.toFixed(0)}`);
  for (const task of tasks) {
    const inside = on.filter((e) => e !== task && e.ts >= task.ts && e.ts + e.dur <= task.ts + task.dur);
    const sum = new Map();
    for (const e of inside) if (process.env.TRACE_ALL || KINDS.includes(e.name)) sum.set(e.name, (sum.get(e.name) || 0) + e.dur);
    const calls = inside.filter((e) => e.name === 'FunctionCall' || e.name === 'TimerFire' || e.name === 'EvaluateScript')
      .map((e) => `${e.name}:${(e.args?.data?.functionName || e.args?.data?.url || '').split('/').pop().slice(0, 40)} ${(e.dur / 1000).toFixed(1)}`).slice(0, 4);
    console.log(`${((task.ts - t0) / 1000).toFixed(0).padStart(5)} +${(task.dur / 1000).toFixed(1).padStart(6)} ms  ` +
      [...sum].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}`).join(', ') + (calls.length ? `  | ${calls.join('; ')}` : ''));
  }
} finally {
  await ctx.close();
  await server.close();
}
