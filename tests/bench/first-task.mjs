// Where the cold start's first task goes (by hand, like profile.mjs): the time the wasm's `main` takes
// before the first screen is whole (Leptos' mount of the dashboard from the stored summary), apart from
// the chunk reads that follow in later tasks. A CDP profile of a cold start at 4× CPU, 2,226 models;
// samples whose stack holds the wasm's start function count; inclusive time per function, top 40.
//
//   PATH=tests/e2e/node_modules/.bin:$PATH node tests/bench/first-task.mjs [--dist DIR] [--models 2226|20000]
//
// --dist: a build with names (profile.mjs makes one in target/bench-profile/dist; the default).
import { join } from 'node:path';
import { ROOT, coldStartSite, newPage, READY_SCRIPT } from './lib.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : dflt; };
const dist = opt('dist', join(ROOT, 'target', 'bench-profile', 'dist'));
const n = Number(opt('models', '2226'));
const { server, ctx } = await coldStartSite(dist, n, 'first-task');
try {
  const page = await newPage(ctx, { throttle: 4, noCache: true, bypassSW: true });
  await page.addInitScript(READY_SCRIPT);
  await page.addInitScript((want) => { window.__want = want; }, String(n));
  await page.goto(`${server.base}blank.html`);
  await page.cdp.send('Profiler.enable');
  await page.cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await page.cdp.send('Profiler.start');
  await page.goto(`${server.base}index.html#/`);
  await page.waitForFunction(() => window.__ready, null, { timeout: 300000, polling: 50 });
  const { profile } = await page.cdp.send('Profiler.stop');
  const t = await page.evaluate(() => ({ wasmDone: window.__wasmDone, shown: window.__shown, ready: window.__ready }));
  const byId = new Map(profile.nodes.map((x) => [x.id, x]));
  const parent = new Map();
  for (const x of profile.nodes) for (const c of x.children || []) parent.set(c, x.id);
  const name = (x) => (x.callFrame.functionName || '(anonymous)').replace(/::h[0-9a-f]{16}$/, '');
  const incl = new Map();
  let inMain = 0, all = 0;
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const stack = [];
    for (let p = id; p !== undefined; p = parent.get(p)) stack.push(byId.get(p));
    const top = name(stack[0]);
    if (top === '(idle)' || top === '(program)') return;
    all += dt;
    if (!stack.some((x) => x.callFrame.url.endsWith('.wasm') && name(x) === 'main')) return;
    inMain += dt;
    for (const f of new Set(stack.map(name))) incl.set(f, (incl.get(f) || 0) + dt);
  });
  console.log(`${n} models: wasm compiled ${t.wasmDone?.toFixed(0)} ms, figures shown ${t.shown?.toFixed(0)}, task ended ${t.ready?.toFixed(0)}`);
  console.log(`CPU in the wasm's main: ${inMain.toFixed(0)} ms of ${all.toFixed(0)} ms sampled`);
  console.log('| Function (inclusive, within main) | ms |\n|---|---:|');
  for (const [k, v] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(`| \`${k.slice(0, 120)}\` | ${v.toFixed(0)} |`);
} finally {
  await ctx.close();
  await server.close();
}
