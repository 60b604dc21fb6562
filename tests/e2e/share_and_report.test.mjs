// Sharing between officers (export, edit on two devices, import each other's files: same data, conflict
// shown), a field visit with the network off changing a model's rating and a plan's progress, and the
// dashboard / report at phone and desktop size.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { serve, launch, newPage, shot, offlineReady, unzip, PHONE, DESKTOP } from './harness.mjs';

const ready = (page) => page.waitForSelector('main h1', { timeout: 20_000 });

let server;
before(async () => { server = await serve(); });
after(async () => { await server?.close(); });

/** Downloads what `click` offers and returns the file's text. */
async function downloaded(page, click) {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 15_000 }), click()]);
  return { name: download.suggestedFilename(), text: await readFile(await download.path(), 'utf8') };
}

async function importText(page, name, text) {
  await page.goto(server.base + '#/exchange');
  await ready(page);
  await page.setInputFiles('[data-testid=import-file]', { name, mimeType: 'application/json', buffer: Buffer.from(text) });
  await page.waitForSelector('[data-testid=import-preview]');
  const preview = {};
  for (const k of ['new', 'updated', 'unchanged', 'conflicts', 'invalid']) {
    preview[k] = Number((await page.textContent(`[data-testid=preview-${k}]`)).trim());
  }
  await page.click('[data-testid=confirm-import]');
  await page.waitForSelector('[data-testid=import-preview]', { state: 'detached' });
  return preview;
}

async function editTitle(page, id, title) {
  await page.goto(server.base + `#/models/${id}/edit`);
  await page.waitForSelector('#f-title');
  await page.fill('#f-title', title);
  await page.click('[data-testid=save-model]');
  await page.waitForSelector('.model-heading');
}

async function setName(page, name) {
  await page.goto(server.base + '#/settings');
  await page.waitForSelector('#s-officer');
  await page.fill('#s-officer', name);
  await page.locator('#s-officer').blur();
  await page.waitForFunction((n) => (JSON.parse(localStorage.getItem('dvk.settings') || '{}').officer || '') === n, name);
}

async function exportAll(page) {
  await page.goto(server.base + '#/exchange');
  await ready(page);
  return downloaded(page, () => page.click('[data-testid=export-json]'));
}

test('two officers edit the same models, exchange files, and end with the same data and a conflict shown', async () => {
  const a = await launch();
  const b = await launch();
  try {
    const pa = await newPage(a);
    const pb = await newPage(b);
    // Officer A loads the article's models and sends them to B.
    await pa.goto(server.base + '#/models');
    await ready(pa);
    await pa.click('[data-testid=load-examples]');
    await pa.waitForSelector('.model-item');
    const first = await exportAll(pa);
    assert.match(first.name, /^dvk_([a-z0-9-]+_)?\d{4}-\d{2}-\d{2}\.json$/);
    const file = JSON.parse(first.text);
    assert.equal(file.format, 'dvk-registry');
    assert.equal(file.version, 1);
    const ids = file.models.map((m) => m.id);
    assert.ok(ids.length >= 5);
    await pb.goto(server.base + '#/');
    await ready(pb);
    const p1 = await importText(pb, first.name, first.text);
    assert.equal(p1.new, ids.length);
    await setName(pa, 'Cán bộ Lan');
    await setName(pb, 'Cán bộ Minh');
    // Both edit the same model; A also edits another one, B adds an evaluation to a third.
    await editTitle(pa, ids[0], 'Bản sửa của A');
    await editTitle(pa, ids[1], 'Chỉ A sửa');
    await new Promise((r) => setTimeout(r, 1100)); // B's save is strictly later
    await editTitle(pb, ids[0], 'Bản sửa của B');
    await pb.goto(server.base + `#/models/${ids[2]}`);
    await pb.click('[data-testid=add-evaluation]');
    await pb.waitForSelector('.rating-buttons');
    await pb.click('.rating-buttons button.rating-limited');
    await pb.click('[data-testid=save-evaluation]');
    // They swap files.
    const fromA = await exportAll(pa);
    const fromB = await exportAll(pb);
    const pa2 = await importText(pa, 'from-b.json', fromB.text);
    const pb2 = await importText(pb, 'from-a.json', fromA.text);
    assert.ok(pa2.conflicts >= 1, `A is shown the conflict: ${JSON.stringify(pa2)}`);
    assert.ok(pb2.conflicts >= 1, `B is shown the conflict: ${JSON.stringify(pb2)}`);
    // Both registries now hold the same records.
    const endA = JSON.parse((await exportAll(pa)).text);
    const endB = JSON.parse((await exportAll(pb)).text);
    const canon = (f) => f.models.map((m) => ({ ...m, evaluations: [...m.evaluations].sort((x, y) => x.id.localeCompare(y.id)) }))
      .sort((x, y) => x.id.localeCompare(y.id));
    assert.deepEqual(canon(endA), canon(endB));
    const byId = Object.fromEntries(endA.models.map((m) => [m.id, m]));
    assert.equal(byId[ids[0]].title, 'Bản sửa của B', 'the newer edit wins');
    assert.equal(byId[ids[1]].title, 'Chỉ A sửa');
    assert.ok(byId[ids[2]].evaluations.some((e) => e.rating === 'limited'), "B's evaluation travelled");
    // The losing version is kept and shown.
    await pa.goto(server.base + '#/exchange');
    await pa.waitForSelector('[data-testid=conflicts] .conflict');
    assert.match(await pa.textContent('[data-testid=conflicts]'), /Bản sửa của A/);
    // Only what differs is shown, with the officers' names, and each button says whose version it keeps.
    const conflict = pa.locator('[data-testid=conflict]', { hasText: 'Bản sửa của A' }).first();
    assert.deepEqual(await conflict.locator('.diff-label').allTextContents(), ['Tên mô hình']);
    assert.match(await conflict.locator('.diff-ours').textContent(), /Cán bộ Minh: Bản sửa của B/);
    assert.match(await conflict.locator('.diff-theirs').textContent(), /Cán bộ Lan: Bản sửa của A/);
    assert.equal((await conflict.getByTestId('keep-current').textContent()).trim(), 'Giữ bản đang dùng (Cán bộ Minh)');
    assert.equal((await conflict.getByTestId('use-version').textContent()).trim(), 'Dùng bản của Cán bộ Lan');
    await pa.locator('[data-testid=conflicts]').scrollIntoViewIfNeeded();
    await shot(pa, 'conflicts-360');
    // Importing the same file again changes nothing.
    const again = await importText(pa, 'from-b.json', fromB.text);
    assert.equal(again.new + again.updated, 0);
  } finally {
    await a.close();
    await b.close();
  }
});

test('a file written with decomposed accents (NFD) imports as the same text, is found by search, and merges with its composed twin', async () => {
  const ctx = await launch();
  try {
    const page = await newPage(ctx);
    await page.goto(server.base + '#/models');
    await ready(page);
    await page.click('[data-testid=load-examples]');
    await page.waitForSelector('.model-item');
    const file = JSON.parse((await exportAll(page)).text);
    const title = 'Vườn thuốc nam của Hội Phụ nữ xã A Lưới 2';
    const model = { ...file.models[0], id: 'nfd-test-0001', title: title.normalize('NFD'), evaluations: [] };
    assert.notEqual(model.title, title, 'the file really is decomposed');
    const nfd = { ...file, models: [model], plans: [] };
    const p1 = await importText(page, 'nfd.json', JSON.stringify(nfd));
    assert.equal(p1.new, 1);
    // stored and shown composed: the same text as typed on a phone
    await page.goto(server.base + '#/models/nfd-test-0001');
    await page.waitForSelector('.model-heading');
    assert.equal((await page.textContent('[data-testid=model-title]')).trim(), title);
    // the composed twin of the same record changes nothing
    const nfc = { ...file, models: [{ ...model, title }], plans: [] };
    const p2 = await importText(page, 'nfc.json', JSON.stringify(nfc));
    assert.deepEqual([p2.new, p2.updated, p2.unchanged, p2.conflicts], [0, 0, 1, 0]);
    // and search without accents finds it
    await page.goto(server.base + '#/models');
    await ready(page);
    await page.fill('#search', 'vuon thuoc a luoi');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=model-item]').length === 1);
    assert.equal((await page.textContent('[data-testid=model-item-title]')).trim(), title);
    assert.deepEqual(page.errors, []);
  } finally {
    await ctx.close();
  }
});

test('exports for spreadsheets are in the officer\'s language, and a commune\'s files are named after it', async () => {
  const ctx = await launch();
  try {
    const page = await newPage(ctx);
    await page.goto(server.base + '#/models');
    await ready(page);
    await page.click('[data-testid=load-examples]');
    await page.waitForSelector('.model-item');
    await page.goto(server.base + '#/exchange');
    await ready(page);
    // CSV of every model: Vietnamese headers and names, dates as on screen, no codes.
    const csv = await downloaded(page, () => page.click('[data-testid=export-csv]'));
    assert.match(csv.name, /^dvk_([a-z0-9-]+_)?\d{4}-\d{2}-\d{2}\.csv$/);
    assert.ok(csv.text.startsWith('\uFEFF'), 'a BOM for Excel');
    const [header] = csv.text.slice(1).split('\r\n');
    assert.ok(header.startsWith('Tên mô hình,Lĩnh vực,"Xã, phường (hiện nay)",'), header);
    assert.match(csv.text, /,Kinh tế,/);
    assert.match(csv.text, /,\d{2}\/\d{2}\/\d{4},/);
    assert.doesNotMatch(csv.text, /,(economic|cultural_social|very_effective|effective|true|false|active),/);
    // One commune (A Roàng is part of Xã A Lưới 4 since 2025): the files name it.
    await page.check('input[name=scope] >> nth=2');
    await page.selectOption('#export-locality', { label: 'Xã A Lưới 4' });
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 15_000 }), page.click('[data-testid=export-xlsx]')]);
    assert.match(download.suggestedFilename(), /^dvk_xa-a-luoi-4_\d{4}-\d{2}-\d{2}\.xlsx$/);
    const book = Object.fromEntries(Object.entries(unzip(await readFile(await download.path()))).map(([name, b]) => [name, b.toString('utf8')]));
    assert.match(book['xl/workbook.xml'], /<sheet name="Mô hình".*<sheet name="Đánh giá".*<sheet name="Kế hoạch"/s);
    assert.match(book['xl/sharedStrings.xml'], /Xã A Roàng/, 'the commune\'s model, in Vietnamese');
    assert.match(book['xl/sharedStrings.xml'], /Xã A Lưới 4/);
    assert.doesNotMatch(book['xl/sharedStrings.xml'], /Xã Hồng Thái/, 'only that commune');
    assert.match(book['xl/worksheets/sheet1.xml'], /state="frozen"/);
    const json = await downloaded(page, () => page.click('[data-testid=export-json]'));
    assert.match(json.name, /^dvk_xa-a-luoi-4_\d{4}-\d{2}-\d{2}\.json$/);
    assert.deepEqual(page.errors, []);
  } finally {
    await ctx.close();
  }
});

test('a big import sets aside many versions: the conflicts are shown a page at a time', async () => {
  const ctx = await launch();
  try {
    const page = await newPage(ctx);
    await page.goto(server.base + '#/models');
    await ready(page);
    await page.click('[data-testid=load-demo]');
    await page.waitForSelector('.model-item');
    const file = JSON.parse((await exportAll(page)).text);
    // another officer edited 30 of them later
    const later = new Date(Date.now() + 60_000).toISOString();
    const edited = file.models.slice(0, 30).map((m, i) => ({ ...m, title: `${m.title} (sửa ${i})`, updated_at: later, updated_by: 'Cán bộ khác · dev-other' }));
    const p = await importText(page, 'other.json', JSON.stringify({ ...file, models: edited, plans: [] }));
    assert.equal(p.updated, 30);
    assert.equal(p.conflicts, 30);
    const items = page.locator('[data-testid=conflicts] li.conflict');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=conflicts] li.conflict').length === 20);
    assert.match(await page.textContent('[data-testid=conflicts-count]'), /30/);
    assert.match(await page.textContent('[data-testid=more-conflicts]'), /10/);
    await page.click('[data-testid=more-conflicts]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=conflicts] li.conflict').length === 30);
    assert.equal(await page.locator('[data-testid=more-conflicts]').count(), 0);
    assert.equal(await items.count(), 30);
    assert.deepEqual(page.errors, []);
  } finally {
    await ctx.close();
  }
});

/** The list's "N of TOTAL": the total (run in the page). */
const listTotal = () => Number(((document.querySelector('[data-testid=result-count]')?.textContent || '').match(/\d[\d.,\s]*/g) || ['']).pop().replace(/\D/g, ''));

/** The demo province loaded, and the first `n` of its live models (all when absent) again under new ids,
 *  edited on another device a minute from now: a large import's records. */
async function demoCopies(page, n) {
  await page.goto(server.base + '#/models');
  await ready(page);
  await page.click('[data-testid=load-demo]');
  await page.waitForSelector('.model-item');
  const before = await page.evaluate(`(${listTotal})()`);
  const file = JSON.parse((await exportAll(page)).text);
  const later = new Date(Date.now() + 60_000).toISOString();
  const added = file.models.filter((m) => !m.deleted_at).slice(0, n).map((m, i) => ({ ...m, id: `${m.id}-copy-${i}`, updated_at: later, updated_by: 'Cán bộ khác · dev-other' }));
  return { before, file, added };
}

test('a large import shows a progress bar while it is applied, then lands whole', async () => {
  const ctx = await launch();
  try {
    const page = await newPage(ctx);
    const { before, file, added } = await demoCopies(page, 600);
    await page.goto(server.base + '#/exchange');
    await ready(page);
    await page.setInputFiles('[data-testid=import-file]', { name: 'big.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ ...file, models: added, plans: [] })) });
    await page.waitForSelector('[data-testid=import-preview]');
    assert.equal(Number((await page.textContent('[data-testid=preview-new]')).trim()), 600);
    // what the bar said, and whether it was drawn before the import landed in storage
    await page.evaluate(() => {
      window.__bar = null;
      const manifest = localStorage.getItem('dvk.records');
      new MutationObserver(() => {
        const bar = document.querySelector('[data-testid=import-progress]');
        if (bar && !window.__bar) window.__bar = { text: bar.textContent, before: localStorage.getItem('dvk.records') === manifest, progress: !!bar.querySelector('progress') };
      }).observe(document.body, { childList: true, subtree: true });
    });
    await page.click('[data-testid=confirm-import]');
    await page.waitForSelector('[data-testid=import-preview]', { state: 'detached' });
    await page.waitForSelector('[data-testid=undo-import]');
    await page.waitForSelector('[data-testid=import-progress]', { state: 'detached' });
    const bar = await page.evaluate(() => window.__bar);
    assert.ok(bar, 'the progress bar was shown');
    assert.ok(bar.before && bar.progress, JSON.stringify(bar));
    assert.match(bar.text, /Đang nhập vào sổ/);
    await page.goto(server.base + '#/models');
    await page.waitForFunction(`(${listTotal})() === ${before + 600}`);
    assert.deepEqual(page.errors, []);
  } finally {
    await ctx.close();
  }
});

test('a large import is saved in steps: its progress bar moves and frames are drawn until it lands', async () => {
  const ctx = await launch();
  try {
    const page = await newPage(ctx);
    // every demo model again under a new id: the import rewrites every chunk
    const { before, file, added } = await demoCopies(page);
    await page.setInputFiles('[data-testid=import-file]', { name: 'copies.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ ...file, models: added, plans: [] })) });
    await page.waitForSelector('[data-testid=import-preview]');
    // every value the bar takes, with the frames drawn so far and whether storage still holds the old registry
    await page.evaluate(() => {
      window.__frames = 0;
      const tick = () => { window.__frames++; requestAnimationFrame(tick); };
      requestAnimationFrame(tick);
      window.__values = [];
      const manifest = localStorage.getItem('dvk.records');
      new MutationObserver(() => {
        const p = document.querySelector('[data-testid=import-progress] progress');
        if (!p || !p.hasAttribute('value')) return;
        const v = { value: Number(p.getAttribute('value')), max: Number(p.getAttribute('max')), frames: window.__frames, old: localStorage.getItem('dvk.records') === manifest };
        const last = window.__values[window.__values.length - 1];
        if (!last || last.value !== v.value || last.max !== v.max) window.__values.push(v);
      }).observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['value', 'max'] });
    });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    await page.click('[data-testid=confirm-import]');
    await page.waitForSelector('[data-testid=undo-import]', { timeout: 120_000 });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
    await page.waitForSelector('[data-testid=import-progress]', { state: 'detached' });
    const values = await page.evaluate(() => window.__values);
    const between = values.filter((v) => v.value > 0 && v.value < v.max);
    assert.ok(between.length >= 2, `the bar moved: ${JSON.stringify(values)}`);
    assert.ok(values.every((v) => v.old), `storage held the old registry until the bar went: ${JSON.stringify(values)}`);
    assert.ok(between[between.length - 1].frames > between[0].frames, `frames were drawn while it saved: ${JSON.stringify(values)}`);
    await page.goto(server.base + '#/models');
    await page.waitForFunction(`(${listTotal})() === ${before + added.length}`);
    assert.deepEqual(page.errors, []);
  } finally {
    await ctx.close();
  }
});

test('a big file is read in steps: its bar moves and frames are drawn until the preview shows', async () => {
  const ctx = await launch();
  try {
    const page = await newPage(ctx);
    const { file, added } = await demoCopies(page);
    await page.goto(server.base + '#/exchange');
    await ready(page);
    // every value the reading's bar takes, with the frames drawn so far
    await page.evaluate(() => {
      window.__frames = 0;
      const tick = () => { window.__frames++; requestAnimationFrame(tick); };
      requestAnimationFrame(tick);
      window.__read = [];
      new MutationObserver(() => {
        const p = document.querySelector('[data-testid=read-progress] progress');
        if (!p || !p.hasAttribute('value')) return;
        const v = { value: Number(p.getAttribute('value')), max: Number(p.getAttribute('max')), frames: window.__frames, preview: !!document.querySelector('[data-testid=import-preview]') };
        const last = window.__read[window.__read.length - 1];
        if (!last || last.value !== v.value) window.__read.push(v);
      }).observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['value', 'max'] });
    });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    await page.setInputFiles('[data-testid=import-file]', { name: 'copies.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ ...file, models: added, plans: [] })) });
    await page.waitForSelector('[data-testid=import-preview]', { timeout: 120_000 });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
    await page.waitForSelector('[data-testid=read-progress]', { state: 'detached' });
    const read = await page.evaluate(() => window.__read);
    assert.ok(read.length >= 2, `the bar moved: ${JSON.stringify(read)}`);
    assert.ok(read.every((v) => v.max === added.length && v.value > 0 && v.value < v.max && !v.preview), `it counted the file's records, before the preview: ${JSON.stringify(read)}`);
    assert.ok(read[read.length - 1].frames > read[0].frames, `frames were drawn while it read: ${JSON.stringify(read)}`);
    assert.equal(Number((await page.textContent('[data-testid=preview-new]')).replace(/\D/g, '')), added.length, 'then the whole file is previewed');
    await shot(page, 'import-preview-after-steps-360');
    assert.deepEqual(page.errors, []);
  } finally {
    await ctx.close();
  }
});

test('a file picked while a big one is still being read is the one previewed', async () => {
  const ctx = await launch();
  try {
    const page = await newPage(ctx);
    const { file, added } = await demoCopies(page);
    await page.goto(server.base + '#/exchange');
    await ready(page);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    await page.setInputFiles('[data-testid=import-file]', { name: 'big.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ ...file, models: added, plans: [] })) });
    // mid-read (the bar has moved), the officer picks the right file: three models
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=read-progress] progress')?.getAttribute('value')) > 0, null, { timeout: 60_000 });
    await page.setInputFiles('[data-testid=import-file]', { name: 'small.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ ...file, models: added.slice(0, 3), plans: [] })) });
    await page.waitForSelector('[data-testid=import-preview]', { timeout: 120_000 });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
    await page.waitForSelector('[data-testid=read-progress]', { state: 'detached' });
    await page.waitForTimeout(500);
    assert.equal(Number((await page.textContent('[data-testid=preview-new]')).replace(/\D/g, '')), 3, 'the file picked last is previewed, and stays');
    assert.deepEqual(page.errors, []);
  } finally {
    await ctx.close();
  }
});

test('an evaluation recorded offline changes the rating and a plan\'s progress', async () => {
  const c = await launch();
  try {
    const page = await newPage(c);
    await page.goto(server.base + '#/models');
    await ready(page);
    await page.click('[data-testid=load-examples]');
    await page.waitForSelector('.model-item');
    // A plan over the former A Lưới district with a target of 100% evaluated effective.
    await page.goto(server.base + '#/plans/new');
    await page.waitForSelector('#p-title');
    await page.fill('#p-title', 'Sinh kế vùng đồng bào DTTS');
    await page.selectOption('#p-addloc', '481');
    await page.selectOption('#p-metric-0', 'effective_share');
    await page.fill('#p-value-0', '100');
    await page.locator('#p-value-0').blur();
    await page.click('[data-testid=save-plan]');
    await page.waitForSelector('[data-testid=plan-targets]');
    const planUrl = page.url();
    const before = await page.textContent('[data-testid=plan-targets]');
    // Go offline (the app is cached by its service worker), then visit A Lưới 4 and evaluate.
    await offlineReady(page);
    await c.setOffline(true);
    await page.goto(server.base + '#/visit?loc=20101');
    await page.waitForSelector('#visit-commune');
    // rated from its card, without leaving the visit
    const card = page.locator('[data-testid=visit-card]').first();
    const title = (await card.locator('.model-title').textContent()).trim();
    await card.locator('[data-testid=visit-rate]').click();
    await page.waitForSelector('[data-testid=evaluation-sheet]');
    assert.equal((await page.textContent('[data-testid=sheet-model]')).trim(), title);
    await page.click('[data-testid=evaluation-sheet] .rating-buttons button.rating-not_effective');
    await page.click('[data-testid=save-evaluation]');
    await page.waitForSelector('[data-testid=evaluation-sheet]', { state: 'detached' });
    const rated = page.locator('[data-testid=visit-card]', { has: page.locator('.model-title', { hasText: title }) });
    await page.waitForFunction((t) => [...document.querySelectorAll('[data-testid=visit-card]')].some((c) => c.querySelector('.model-title').textContent.trim() === t && /Không hiệu quả/.test(c.textContent)), title);
    assert.match(await rated.first().textContent(), /Không hiệu quả · \d\d\/\d\d\/\d{4}/);
    await shot(page, 'evaluation-offline-360');
    await page.goto(planUrl);
    await page.waitForSelector('[data-testid=plan-targets]');
    const after = await page.textContent('[data-testid=plan-targets]');
    assert.notEqual(after, before, 'the plan\'s progress follows the new evaluation');
    await c.setOffline(false);
  } finally {
    await c.close();
  }
});

test('dashboard and report at phone and desktop size, with a table and an image', async () => {
  const c = await launch();
  try {
    const page = await newPage(c);
    await page.goto(server.base + '#/models');
    await ready(page);
    await page.click('[data-testid=load-demo]');
    await page.waitForSelector('.model-item', { timeout: 60_000 });
    await page.goto(server.base + '#/');
    await page.waitForSelector('[data-testid=total]');
    assert.equal((await page.textContent('[data-testid=total]')).trim(), '2.226');
    // the headline figures are visible without scrolling on a phone
    const box = await page.locator('[data-testid=figures]').boundingBox();
    assert.ok(box && box.y + box.height <= PHONE.height, `figures end at ${box && box.y + box.height}`);
    await shot(page, 'dashboard-360');
    const fieldChart = page.locator('[data-chart=models-by-field]');
    const svg = await fieldChart.locator('.chart-svg svg').innerHTML();
    for (const n of ['190', '1.807', '192', '37']) assert.match(svg, new RegExp(`>\\s*${n.replace('.', '\\.')}\\s*<`), `chart shows ${n}`);
    await fieldChart.locator('[data-testid=toggle-table]').click();
    const table = await fieldChart.locator('table').innerText();
    assert.match(table, /Kinh tế\s+190/);
    const img = await downloaded(page, () => fieldChart.locator('[data-testid=save-svg]').click());
    assert.equal(img.name, 'models-by-field.svg');
    assert.match(img.text, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    const png = await Promise.all([page.waitForEvent('download'), fieldChart.locator('[data-testid=save-png]').click()]);
    assert.equal(png[0].suggestedFilename(), 'models-by-field.png');
    await page.setViewportSize(DESKTOP);
    await shot(page, 'dashboard-1280');
    // English labels in the charts
    await page.click('.lang-switch button[lang=en]');
    await page.waitForFunction(() => document.querySelector('[data-chart=models-by-field] svg').innerHTML.includes('Economic'));
    await page.click('.lang-switch button[lang=vi]');
    // the report
    await page.click('[data-testid=open-report]');
    await page.waitForSelector('[data-testid=report-summary]');
    const summary = await page.textContent('[data-testid=report-summary]');
    assert.match(summary, /toàn thành phố có 2\.226 mô hình “Dân vận khéo”; trong đó có 190 mô hình thuộc lĩnh vực kinh tế; 1\.807 mô hình văn hóa - xã hội; 192 mô hình quốc phòng - an ninh; 37 mô hình xây dựng hệ thống chính trị/);
    await shot(page, 'report-1280');
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('.tabs').isVisible(), false, 'no navigation chrome in print');
    await shot(page, 'report-print');
    await page.emulateMedia({ media: 'screen' });
    await page.setViewportSize(PHONE);
    await shot(page, 'report-360');
  } finally {
    await c.close();
  }
});
