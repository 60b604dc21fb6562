// Interactive before the registry is read (issue #28 item 1), at 360×740 with 20,000 models: the dashboard
// shows the stored summary's totals while the chunks are still being read; the visit path (the remembered
// commune's model, "Đánh giá", save) works at once and its save waits at the App's gate and lands; the list's
// search says "still loading", then gives the full result; a stale summary is never shown (the full read's
// figures are). The read is held back deterministically in two ways: by holding the records' Web Lock from
// another page of the same origin (as another tab in the middle of a save does: every step of the read takes
// it, and so does every change, which then waits outside the App), and, for the changes made mid-load, by
// the page's `dvkHoldRead` (ui/platform.rs `read_held`), which stops the read without the lock, so a change
// reaches the App while it is not whole and must wait at its gate (App::change) to land whole.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, shot, PHONE } from './harness.mjs';
import { App, ExchangePage, eventually, expectText, WAIT } from './pages.mjs';

const N = 20_000;
const HOME = [20101, 'Xã A Lưới 4']; // the remembered commune: its models are in the summary
const HOME_MODELS = 40;
const OTHERS = [[19900, 'Phường Thuận An'], [20014, 'Phường Hóa Châu'], [19930, 'Phường Mỹ Thượng'], [19777, 'Phường Vỹ Dạ'], [19815, 'Phường An Cựu']];
const FIELDS = ['economic', 'cultural_social', 'defense_security', 'political_system'];

/** An exchange file of N models: HOME_MODELS in the home commune, the rest spread over others. */
function bigFile() {
  const models = [];
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  for (let i = 0; i < N; i++) {
    const [code, name] = i < HOME_MODELS ? HOME : OTHERS[i % OTHERS.length];
    const at = new Date(t0 + i * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
    models.push({
      id: `7b7e1c1e-0000-4000-8000-${String(i).padStart(12, '0')}`,
      title: i < HOME_MODELS ? `Mô hình ở nhà ${i}` : `Mô hình số ${i} ${i % 97 === 0 ? 'nuôi ong' : 'trồng rừng'}`,
      field: FIELDS[i % FIELDS.length],
      locality: { code, name },
      created_at: at,
      updated_at: at,
    });
  }
  return JSON.stringify({ format: 'dvk-registry', version: 1, exported_at: '2026-11-30T08:00:00Z', models, plans: [] });
}

const digits = (s) => Number(String(s).replace(/\D/g, ''));

describe('gradual open of a large registry', { timeout: 480_000 }, () => {
  let server, context, a, holder;
  before(async () => {
    server = await serve();
    context = await launch();
    a = await App.open(context, server.base, PHONE);
    await a.resetStorage('#/visit?loc=' + HOME[0]); // remembers the home commune
    await a.goto('#/exchange');
    const ex = new ExchangePage(a.page);
    await ex.fileInput.setInputFiles({ name: 'tinh.json', mimeType: 'application/json', buffer: Buffer.from(bigFile()) });
    await ex.preview.waitFor({ state: 'visible', timeout: 180_000 });
    await ex.confirmButton.click();
    await ex.preview.waitFor({ state: 'detached', timeout: 180_000 });
    await a.goto('#/');
    await eventually(async () => assert.equal(digits(await a.page.getByTestId('total').innerText()), N), 60_000);
    // a page of the same origin that can hold the records' lock (a 404 page is still a document there)
    holder = await context.newPage();
    await holder.goto(server.base + 'lock-holder');
    await a.page.addInitScript(() => { if (sessionStorage.getItem('dvk-test-hold-read')) window.dvkHoldRead = true; });
  });
  after(async () => {
    await context?.close();
    await server?.close();
  });

  const hold = () => holder.evaluate(() => new Promise((held) => {
    window.release?.();
    navigator.locks.request('dvk-records', () => new Promise((release) => { window.release = release; held(); }));
  }));
  const release = () => holder.evaluate(() => { window.release?.(); window.release = null; });
  // the read stopped from the page itself, from its next load on (kept in the tab's sessionStorage, read by
  // the init script `before` adds, ahead of the app's start)
  const holdRead = () => a.page.evaluate(() => sessionStorage.setItem('dvk-test-hold-read', '1'));
  const letRead = () => a.page.evaluate(() => { sessionStorage.removeItem('dvk-test-hold-read'); window.dvkHoldRead = false; });
  // the stored manifest: it changes with every save
  const records = () => a.page.evaluate(() => localStorage.getItem('dvk.records'));
  const registryState = () => a.page.locator('main#main').getAttribute('data-registry');

  test('the dashboard shows the right totals before the whole registry is read', { timeout: 90_000 }, async () => {
    await hold();
    await a.reload();
    await eventually(async () => assert.equal(digits(await a.page.getByTestId('total').innerText()), N), 30_000);
    assert.equal(await registryState(), 'reading', 'shown from the summary, not the chunks');
    await a.page.waitForTimeout(300);
    assert.equal(await registryState(), 'reading', 'the read waits for the lock');
    await shot(a.page, 'gradual-dashboard-reading-360');
    // the list's first screen is there, with the whole registry's count
    await a.goto('#/models');
    await eventually(async () => assert.equal(await a.page.getByTestId('model-item').count(), 25));
    assert.match(await a.page.getByTestId('result-count').innerText(), /20\.000/);
    // a search needs every record: "still loading", never a partial count
    await a.page.locator('#search').fill('nuoi ong');
    await a.page.getByTestId('still-loading').waitFor({ state: 'visible' });
    assert.equal(await a.page.getByTestId('result-count').count(), 0, 'no partial figure');
    assert.equal(await a.page.getByTestId('model-item').count(), 0);
    await shot(a.page, 'gradual-search-reading-360');
    // as do the report and the exchange page
    await a.goto('#/report');
    await a.page.getByTestId('still-loading').waitFor({ state: 'visible' });
    assert.equal(await registryState(), 'reading');
    await release();
    await a.page.getByTestId('report').waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await registryState(), 'whole');
    a.assertNoErrors();
  });

  test('an evaluation saved on the visit path while loading lands, and is there after a reload', { timeout: 90_000 }, async () => {
    await holdRead();
    await a.goto('#/visit');
    await a.reload();
    await eventually(async () => assert.equal(await a.page.getByTestId('visit-card').count(), HOME_MODELS));
    assert.equal(await registryState(), 'reading');
    const title = await a.page.locator('[data-testid=visit-card] .model-title').first().innerText();
    await a.page.getByTestId('visit-rate').first().click();
    await a.page.getByTestId('evaluation-sheet').waitFor({ state: 'visible' });
    await a.page.getByTestId('rate-effective').click();
    const keys = await records();
    await a.page.getByTestId('save-evaluation').click();
    await a.page.waitForTimeout(300);
    assert.equal(await registryState(), 'reading', 'saved while the registry is still being read');
    assert.equal(await records(), keys, 'the save waits at the gate: nothing written on a registry read in part');
    // the search from before: still loading, then the full result once the read goes on
    await a.goto('#/models?q=nuoi+ong');
    await a.page.getByTestId('still-loading').waitFor({ state: 'visible' });
    assert.equal(await records(), keys, 'nothing written before the registry is whole');
    await letRead();
    const want = Math.ceil((N - HOME_MODELS) / 97); // every 97th model is "nuôi ong" (the home ones are not)
    let expected = 0;
    for (let i = HOME_MODELS; i < N; i++) if (i % 97 === 0) expected++;
    assert.ok(Math.abs(want - expected) <= 1);
    await eventually(async () => assert.match(await a.page.getByTestId('result-count').innerText(), new RegExp(`^${expected.toLocaleString('de-DE')}\\D.*20\\.000`)), 30_000);
    await expectText(a.toast(), 'Đã ghi đánh giá', 30_000);
    // reload: it is there
    await a.reload();
    await a.goto('#/visit');
    const card = a.page.getByTestId('visit-card').filter({ hasText: title });
    await expectText(card, 'Hiệu quả', 30_000);
    await a.page.waitForFunction(() => document.querySelector('main#main')?.dataset.registry === 'whole', null, { timeout: 30_000 });
    await shot(a.page, 'gradual-visit-whole-360');
    await a.goto('#/models'); // the dashboard follows the list's filter: the search is left behind
    await eventually(async () => assert.match(await a.page.getByTestId('result-count').innerText(), /20\.000 \/ 20\.000/));
    await a.goto('#/');
    await eventually(async () => assert.equal(digits(await a.page.getByTestId('total').innerText()), N));
    await shot(a.page, 'gradual-dashboard-whole-360');
    a.assertNoErrors();
  });

  // A change's `then` runs only while the part of the screen that asked is there (ui/state.rs `Here`): the
  // sheet's and the form's signals are gone when their saves land, and the form must not take the officer
  // back to the model's page.
  test('saves that land after their page is gone: no error screen, they landed, and are there after a reload', { timeout: 120_000 }, async () => {
    await release(); // (if a test before failed holding it)
    await letRead();
    await a.page.waitForFunction(() => document.querySelector('main#main')?.dataset.registry === 'whole', null, { timeout: 30_000 });
    await holdRead();
    await a.goto('#/visit');
    await a.reload();
    await eventually(async () => assert.equal(await a.page.getByTestId('visit-card').count(), HOME_MODELS));
    assert.equal(await registryState(), 'reading');
    const keys = await records();
    // an evaluation, and the officer goes on to the list before it lands
    const card = a.page.getByTestId('visit-card').last();
    const rated = await card.locator('.model-title').innerText();
    await card.getByTestId('visit-rate').click();
    await a.page.getByTestId('evaluation-sheet').waitFor({ state: 'visible' });
    await a.page.getByTestId('rate-limited').click();
    await a.page.getByTestId('save-evaluation').click();
    await a.goto('#/'); // (as the phone's back button does: the sheet covers the tab bar)
    // a model's edit form saved, and the officer goes on before it lands
    const id = `7b7e1c1e-0000-4000-8000-${String(7).padStart(12, '0')}`;
    await a.goto(`#/models/${id}/edit`);
    await a.form.waitFor();
    await a.form.title.fill('Mô hình ở nhà 7 đã sửa');
    await a.form.save();
    await a.goTab('models');
    await a.page.waitForTimeout(300);
    assert.equal(await registryState(), 'reading', 'both wait at the gate');
    assert.equal(await records(), keys, 'nothing written on a registry read in part');
    await letRead();
    await a.page.waitForFunction(() => document.querySelector('main#main')?.dataset.registry === 'whole', null, { timeout: 30_000 });
    await expectText(a.toast(), 'Đã lưu', 30_000); // told, though the form is gone
    await a.page.waitForTimeout(500);
    assert.match(a.fragment(), /^#\/models(\?|$)/, 'still where the officer went, not taken back to the model');
    assert.equal(await a.page.locator('.error-screen').count(), 0, 'no error screen');
    a.assertNoErrors();
    // reload: both are there
    await a.reload();
    await a.goto('#/visit');
    await expectText(a.page.getByTestId('visit-card').filter({ hasText: rated }), 'Hạn chế', 30_000);
    await a.goto(`#/models/${id}`);
    await expectText(a.page.getByTestId('model-title'), 'Mô hình ở nhà 7 đã sửa', 30_000);
    await a.page.waitForFunction(() => document.querySelector('main#main')?.dataset.registry === 'whole', null, { timeout: 30_000 });
    a.assertNoErrors();
  });

  test('a double tap on save while loading adds one evaluation: the button says it is saving meanwhile', { timeout: 90_000 }, async () => {
    await release();
    await letRead();
    await a.page.waitForFunction(() => document.querySelector('main#main')?.dataset.registry === 'whole', null, { timeout: 30_000 });
    const id = `7b7e1c1e-0000-4000-8000-${String(11).padStart(12, '0')}`;
    await holdRead();
    await a.goto(`#/models/${id}`);
    await a.reload();
    await a.page.getByTestId('model-page').waitFor({ state: 'visible' });
    assert.equal(await registryState(), 'reading');
    const evals = a.page.locator('[data-testid=evaluations] > li');
    assert.equal(await evals.count(), 0);
    await a.page.getByTestId('add-evaluation').click();
    await a.page.getByTestId('evaluation-sheet').waitFor({ state: 'visible' });
    await a.page.getByTestId('rate-very_effective').click();
    const save = a.page.getByTestId('save-evaluation');
    const keys = await records();
    await save.dblclick();
    await expectText(save, 'Đang lưu…');
    assert.ok(await save.isDisabled(), 'no second tap while it waits');
    // (and a submit from the keyboard adds nothing either)
    await a.page.evaluate(() => document.getElementById('evaluation-form').requestSubmit());
    await a.page.waitForTimeout(300);
    assert.equal(await registryState(), 'reading', 'the save waits at the gate');
    assert.equal(await records(), keys, 'nothing written on a registry read in part');
    await shot(a.page, 'gradual-saving-360');
    await letRead();
    await a.page.getByTestId('evaluation-sheet').waitFor({ state: 'detached', timeout: 30_000 }); // closed once it landed
    await eventually(async () => assert.equal(await evals.count(), 1), 30_000);
    await a.reload();
    await a.page.waitForFunction(() => document.querySelector('main#main')?.dataset.registry === 'whole', null, { timeout: 30_000 });
    await eventually(async () => assert.equal(await evals.count(), 1));
    a.assertNoErrors();
  });

  test('the dashboard opened on the summary is kept for the next start once the registry is whole', { timeout: 60_000 }, async () => {
    await release();
    await letRead();
    await a.goto('#/');
    await a.page.waitForFunction(() => document.querySelector('main#main')?.dataset.registry === 'whole', null, { timeout: 30_000 });
    await holdRead();
    await a.reload(); // (the page left keeps its dashboard: taken away below)
    await eventually(async () => assert.equal(digits(await a.page.getByTestId('total').innerText()), N), 30_000);
    await a.page.evaluate(() => localStorage.removeItem('dvk.snapshot'));
    assert.equal(await registryState(), 'reading');
    await a.page.waitForTimeout(800); // (the dashboard keeps itself 400 ms after it settles)
    assert.equal(await a.page.evaluate(() => localStorage.getItem('dvk.snapshot')), null, 'not kept from a registry read in part');
    await letRead();
    // kept without leaving the page (leaving keeps it too): the figures do not change, the registry is whole
    await a.page.waitForFunction(() => localStorage.getItem('dvk.snapshot'), null, { timeout: 30_000 });
    assert.equal(await registryState(), 'whole');
    a.assertNoErrors();
  });

  test('a stale summary falls back to the full read, and no wrong figure is shown', { timeout: 90_000 }, async () => {
    await release();
    await letRead();
    await a.page.waitForFunction(() => document.querySelector('main#main')?.dataset.registry === 'whole', null, { timeout: 30_000 });
    const summaryKey = () => a.page.evaluate(() => `dvk.records.s.${JSON.parse(localStorage.getItem('dvk.records')).chunks.s}`);
    const oldKey = await summaryKey();
    const old = await a.page.evaluate((k) => localStorage.getItem(k), oldKey);
    assert.ok(old, 'a summary is stored');
    // delete one model (its chunk changes), then put the old summary back under the new summary's name
    await a.goto('#/models');
    await a.page.getByTestId('model-item').first().locator('a').click();
    await a.detail.waitFor();
    await a.detail.delete();
    await eventually(async () => assert.notEqual(await summaryKey(), oldKey));
    const newKey = await summaryKey();
    await a.page.evaluate(([k, v]) => localStorage.setItem(k, v), [newKey, old]);
    // every total the dashboard ever shows from here on
    await a.page.addInitScript(() => {
      window.__totals = [];
      new MutationObserver(() => {
        const t = document.querySelector('[data-testid=total]')?.textContent;
        if (t && window.__totals[window.__totals.length - 1] !== t) window.__totals.push(t);
      }).observe(document, { subtree: true, childList: true, characterData: true });
    });
    await a.goto('#/');
    await a.reload();
    await eventually(async () => assert.equal(digits(await a.page.getByTestId('total').innerText()), N - 1));
    assert.equal(await registryState(), 'whole', 'the full read came first');
    const seen = await a.page.evaluate(() => window.__totals);
    assert.deepEqual(seen.map(digits), [N - 1], `only the right total was ever shown: ${seen}`);
    // and the next start opens on a good summary again (kept after the full read)
    await eventually(async () => {
      const back = await a.page.evaluate(() => `dvk.records.s.${JSON.parse(localStorage.getItem('dvk.records')).chunks.s}`);
      assert.notEqual(back, newKey);
    }, 30_000);
    await hold();
    await a.reload();
    await eventually(async () => assert.equal(digits(await a.page.getByTestId('total').innerText()), N - 1), 30_000);
    assert.equal(await registryState(), 'reading');
    await release();
    a.assertNoErrors();
  });

  test('a new model saved while loading is checked for a duplicate in the whole registry', { timeout: 90_000 }, async () => {
    await release();
    await letRead();
    await a.page.waitForFunction(() => document.querySelector('main#main')?.dataset.registry === 'whole', null, { timeout: 30_000 });
    await holdRead();
    await a.goto('#/models/new');
    await a.reload();
    await a.form.waitFor();
    assert.equal(await registryState(), 'reading');
    // the title and place of a model the summary does not hold (number 41, in Phường Hóa Châu)
    await a.form.fill({ title: 'Mô hình số 41 trồng rừng', field: 'economic', locality: { typed: 'Hóa Châu', name: 'Phường Hóa Châu' } });
    await a.form.save();
    await expectText(a.form.saveButton, 'Đang lưu…');
    await a.page.waitForTimeout(300);
    assert.equal(await a.page.getByTestId('duplicate-warning').count(), 0, 'no answer before the registry is whole');
    await letRead();
    await a.page.getByTestId('duplicate-warning').waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(a.fragment(), '#/models/new', 'warned of, not saved');
    await expectText(a.form.saveButton, /^Lưu$/);
    await a.page.getByTestId('duplicate-warning').scrollIntoViewIfNeeded();
    await shot(a.page, 'gradual-duplicate-360');
    // the second press saves anyway
    await a.form.save();
    await a.expectFragment(/^#\/models\/[^/]+$/);
    await a.goto('#/');
    await eventually(async () => assert.equal(digits(await a.page.getByTestId('total').innerText()), N));
    a.assertNoErrors();
  });
});
