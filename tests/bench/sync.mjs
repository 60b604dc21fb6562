// Row 10 of BENCHMARKS.md in the browser (issue #27): a first sync from an empty device against pouchdb-server
// (tests/e2e/couch.mjs, loopback) of N models, to "done" on the sync card, and an incremental sync of 10
// changes made on the server, each beside the same documents fetched in the page by plain `fetch` of
// `_changes?include_docs=true` + `JSON.parse`. The documents are written as the app writes them
// (`SYNC_DOCS_OUT=FILE cargo test --release --test sync -- --ignored sync_figures`; SYNC_MODELS for the size),
// loaded in one `_bulk_docs`. A benchmark, not a test:
//   node tests/bench/sync.mjs --dist dist --docs /tmp/docs-2226.json
import { readFile } from 'node:fs/promises';
import { serve, launch, PHONE } from '../e2e/harness.mjs';
import { App, expectText } from '../e2e/pages.mjs';
import { startCouch } from '../e2e/couch.mjs';

const arg = (name, dflt) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : dflt; };
if (arg('--dist')) process.env.DVK_DIST = arg('--dist');
const DONE = /Đồng bộ xong lúc/;
const WAIT = Number(process.env.SYNC_WAIT || 600_000);

const { docs } = JSON.parse(await readFile(arg('--docs'), 'utf8'));
const server = await serve(process.env.DVK_DIST);
const couch = await startCouch({ origin: new URL(server.base).origin });
const ctx = await launch();
try {
  const t0 = Date.now();
  for (const d of docs) d.written_by = couch.admin.name; // validate_doc_update: the writer's own name
  const put = await couch.adminJson('POST', `/${couch.db}/_bulk_docs`, { docs });
  if (put.status !== 201) throw new Error(`_bulk_docs: HTTP ${put.status}`);
  const bad = put.json.filter((r) => r.error); if (bad.length) throw new Error(`refused: ${bad.length}, e.g. ${JSON.stringify(bad[0])}`);
  console.error(`server loaded with ${docs.length} documents in ${Date.now() - t0} ms`);
  const a = await App.open(ctx, server.base, PHONE);
  await a.resetStorage('#/settings');
  await a.goto('#/models');
  await a.goto('#/settings');
  await a.sync.waitFor();
  const user = couch.users[0];
  /** The time of the stored last report (changes when a sync ends). */
  const lastAt = () => a.page.evaluate(() => JSON.parse(localStorage.getItem('dvk.sync') || '{}').last_report?.at ?? null);
  async function until(before) {
    const end = Date.now() + WAIT;
    for (;;) {
      const now = await lastAt();
      if (now && now !== before) return;
      if (Date.now() > end) throw new Error('the sync did not end');
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  let before = await lastAt();
  let start = Date.now();
  await a.sync.signIn({ url: couch.dbUrl, user: user.name, password: user.password });
  await until(before);
  await expectText(a.sync.status, DONE, WAIT);
  const first = Date.now() - start;
  const baseline = () => a.page.evaluate(async (url) => {
    const t = performance.now();
    const r = await fetch(`${url}/_changes?include_docs=true&conflicts=true`, { credentials: 'include' });
    const j = JSON.parse(await r.text());
    return { ms: performance.now() - t, n: j.results.length };
  }, couch.dbUrl);
  const base1 = await baseline();
  console.error(`first sync ${first} ms, baseline ${Math.round(base1.ms)} ms (${base1.n} docs)`);
  // Ten changes on the server.
  const some = docs.slice(0, 10).map((d) => d._id);
  const edited = [];
  for (const id of some) {
    const d = (await couch.adminJson('GET', `/${couch.db}/${encodeURIComponent(id)}`)).json;
    edited.push({ ...d, title: `${d.title} (sửa)` });
  }
  const w = await couch.adminJson('POST', `/${couch.db}/_bulk_docs`, { docs: edited });
  if (w.status !== 201) throw new Error(`edit: HTTP ${w.status}`);
  before = await lastAt();
  start = Date.now();
  await a.sync.nowButton.click();
  await until(before);
  await expectText(a.sync.status, DONE, WAIT);
  const incr = Date.now() - start;
  const since = await a.page.evaluate(() => JSON.parse(localStorage.getItem('dvk.sync')).since);
  const base2 = await a.page.evaluate(async ([url, since]) => {
    const t = performance.now();
    const r = await fetch(`${url}/_changes?include_docs=true&conflicts=true&since=${encodeURIComponent(since)}`, { credentials: 'include' });
    JSON.parse(await r.text());
    return performance.now() - t;
  }, [couch.dbUrl, since]);
  console.log(JSON.stringify({ models: docs.length, first_sync_ms: first, first_baseline_ms: Math.round(base1.ms), baseline_docs: base1.n,
    incremental_ms: incr, incremental_baseline_after_ms: Math.round(base2) }));
} finally {
  await ctx.close();
  await couch.stop();
  await server.close();
}
