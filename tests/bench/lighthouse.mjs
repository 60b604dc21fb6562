// The bench's Lighthouse rows (run.mjs `--only lighthouse`): the app as users measure it. npm `lighthouse`
// 12.2.3 (tests/bench/package.json, installed by `make bench` only) drives Debian's Chromium against the
// server of `make serve` (tools/serve.mjs: the precompressed build, cache headers) under a sub-path, with
// Lighthouse's mobile profile (its default: a mid-range phone's screen, 4× CPU and slow 4G, simulated).
//
// One run is a fresh Chromium profile and two Lighthouse passes on it: the first visit (Lighthouse clears
// the origin's storage and cache first) and a return visit (`--disable-storage-reset`: the service worker
// and the HTTP cache the first visit left). Medians of `runs` runs. Never a test: the figures move by a few
// points between runs, so compare builds in one run.
import { spawn, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { start } from '../../tools/serve.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const LIGHTHOUSE = join(here, 'node_modules', '.bin', 'lighthouse');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const run = promisify(execFile);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

/** Chromium with a remote-debugging port Lighthouse connects to; resolves to { port, close }. */
async function chromium(profile) {
  const proc = spawn(CHROMIUM, ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
    '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
    `--user-data-dir=${profile}`, '--remote-debugging-port=0', 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const port = await new Promise((ok, fail) => {
    let err = '';
    const timer = setTimeout(() => fail(new Error(`chromium gave no DevTools port: ${err}`)), 30_000);
    proc.stderr.on('data', (d) => {
      err += d;
      const m = err.match(/DevTools listening on ws:\/\/[^:]+:(\d+)\//);
      if (m) { clearTimeout(timer); ok(Number(m[1])); }
    });
    proc.once('exit', (code) => { clearTimeout(timer); fail(new Error(`chromium exited (${code}): ${err}`)); });
  });
  return { port, close: () => new Promise((ok) => { proc.once('exit', ok); proc.kill('SIGTERM'); }) };
}

/** One Lighthouse pass; the figures of its report. */
async function pass(url, port, out, returning) {
  await run(LIGHTHOUSE, [url, `--port=${port}`, '--form-factor=mobile', '--only-categories=performance',
    '--output=json', `--output-path=${out}`, '--quiet', ...(returning ? ['--disable-storage-reset'] : [])],
  { env: { ...process.env, CHROME_PATH: CHROMIUM }, timeout: 180_000, maxBuffer: 1 << 26 });
  const lhr = JSON.parse(await readFile(out, 'utf8'));
  if (lhr.runtimeError) throw new Error(`lighthouse: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
  const a = lhr.audits;
  return {
    score: Math.round(lhr.categories.performance.score * 100),
    lcp: a['largest-contentful-paint'].numericValue,
    fcp: a['first-contentful-paint'].numericValue,
    tbt: a['total-blocking-time'].numericValue,
    bytes: a['total-byte-weight'].numericValue,
    // which element was the largest paint, and where its time went (logged, not a figure)
    lcpElement: lcpElement(a),
  };
}

/** The LCP element's markup and the phases of its time (Lighthouse's `largest-contentful-paint-element`). */
function lcpElement(audits) {
  const audit = audits['largest-contentful-paint-element'];
  // (Lighthouse 12.2.3's gatherer fails on Chromium 156: "RootCauses … frame_sequence"; then only why)
  if (audit?.errorMessage) return `not known: ${audit.errorMessage.slice(0, 120)}`;
  const tables = audit?.details?.items ?? [];
  const node = tables[0]?.items?.[0]?.node;
  const phases = (tables[1]?.items ?? []).map((p) => `${p.phase} ${Math.round(p.timing)} ms`).join(', ');
  return node ? `${node.snippet} (${node.selector}); ${phases}` : 'none';
}

/** `runs` runs of (first visit, return visit) against `site` served by tools/serve.mjs. */
export async function lighthouseBench(site, runs, log = () => {}) {
  const srv = await start({ dir: site, port: 0, base: '/dvk/' });
  const work = await mkdtemp(join(tmpdir(), 'dvk-lighthouse-'));
  const first = [], back = [];
  try {
    for (let i = 0; i < runs; i++) {
      const profile = join(work, `profile-${i}`);
      const browser = await chromium(profile);
      try {
        first.push(await pass(`${srv.url}#/`, browser.port, join(work, `first-${i}.json`), false));
        back.push(await pass(`${srv.url}#/`, browser.port, join(work, `return-${i}.json`), true));
      } finally {
        await browser.close();
      }
      log(`lighthouse run ${i + 1}/${runs}: first ${JSON.stringify(first.at(-1))}, return ${JSON.stringify(back.at(-1))}`);
    }
  } finally {
    await srv.close();
    await rm(work, { recursive: true, force: true });
  }
  const med = (xs) => Object.fromEntries(Object.keys(xs[0]).filter((k) => typeof xs[0][k] === 'number').map((k) => [k, median(xs.map((x) => x[k]))]));
  return { first: med(first), back: med(back), runs: { first, back } };
}
