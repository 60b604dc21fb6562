// A phone whose clock is a year behind (issue #26), in a real browser at phone size: the preview says so
// with both dates and selects "keep as is", Settings and the export screen warn, and the correction made on
// that phone wins on a second profile whose clock is right. The send screen's commune choice too.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { serve, launch, shot, PHONE } from './harness.mjs';
import { App, ExchangePage, eventually, expectCount, expectText, WAIT } from './pages.mjs';

const YEAR = 365 * 24 * 3600 * 1000;
const DAY = 24 * 3600 * 1000;

/** Makes every `Date` of the pages of `context` run `shift` ms behind the real clock. */
async function clockBehind(context, shift) {
  await context.addInitScript((shift) => {
    const Real = Date;
    class Behind extends Real {
      constructor(...args) {
        if (args.length === 0) super(Real.now() - shift);
        else super(...args);
      }
      static now() {
        return Real.now() - shift;
      }
    }
    globalThis.Date = Behind;
  }, shift);
}

/** dd/mm/yyyy of `ms`, as the page's clock and time zone write it. */
async function dateOf(page, ms) {
  return page.evaluate((ms) => new Date(ms ?? Date.now()).toLocaleDateString('en-GB'), ms);
}

async function downloaded(page, click) {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 20_000 }), click()]);
  return readFile(await download.path(), 'utf8');
}

/** The colleague's file: three models saved yesterday on a clock that is right, exported an hour later. */
function colleagueFile() {
  const saved = new Date(Date.now() - DAY).toISOString().replace(/\.\d+Z$/, 'Z');
  const exported = new Date(Date.now() - DAY + 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
  const models = [1, 2, 3].map((i) => ({
    id: `0c1e4a77-0000-4000-8000-00000000000${i}`, title: `Mô hình của đồng nghiệp ${i}`, field: 'economic',
    locality: { code: 20101, name: 'Xã A Lưới 4' }, created_at: saved, updated_at: saved, updated_by: 'Chị Hoa (HOA-0001)',
  }));
  return { exported, text: JSON.stringify({ format: 'dvk-registry', version: 1, exported_at: exported, models, plans: [] }) };
}

describe('a phone whose clock is behind', () => {
  let server, behind, right, a, b;

  before(async () => {
    server = await serve();
    behind = await launch();
    await clockBehind(behind, YEAR);
    right = await launch();
    a = await App.open(behind, server.base, PHONE);
    b = await App.open(right, server.base, PHONE);
    await a.resetStorage('#/models');
    await b.resetStorage('#/models');
  });
  after(async () => {
    await behind?.close();
    await right?.close();
    await server?.close();
  });

  test('its correction of a colleague file wins on the colleague phone, and it is told its date is wrong', async () => {
    const { exported, text } = colleagueFile();
    // the colleague's registry (a right clock) holds the file's versions
    await b.goto('#/exchange');
    await new ExchangePage(b.page).importText('dong-nghiep.json', text);

    // phone A, a year behind, reads the same file
    await a.goto('#/exchange');
    const ex = new ExchangePage(a.page);
    await ex.fileInput.setInputFiles({ name: 'dong-nghiep.json', mimeType: 'application/json', buffer: Buffer.from(text) });
    await ex.preview.waitFor({ state: 'visible', timeout: WAIT });
    const banner = a.page.getByTestId('clock-behind');
    await banner.waitFor({ state: 'visible', timeout: WAIT });
    const phoneDate = await dateOf(a.page);
    const fileDate = await dateOf(a.page, Date.parse(exported));
    assert.notEqual(phoneDate, fileDate);
    await expectText(banner, phoneDate);
    await expectText(banner, fileDate);
    await expectText(banner, 'có lẽ đồng hồ máy đang sai');
    assert.equal(await a.page.getByTestId('future-keep').isChecked(), true, 'keeping the times is selected first');
    assert.equal(await a.page.getByTestId('future-bring-back').isChecked(), false);
    await banner.scrollIntoViewIfNeeded();
    await shot(a.page, 'clock-behind-preview-360');
    await ex.confirm();

    // Settings and the export screen say the clock is behind, with both dates
    await a.goto('#/settings');
    const warning = a.page.getByTestId('clock-warning');
    await warning.waitFor({ state: 'visible', timeout: WAIT });
    await expectText(warning, phoneDate);
    await expectText(warning, fileDate.slice(3)); // the newest accepted time: the file's day or the next
    await shot(a.page, 'clock-warning-settings-360');
    await a.goto('#/exchange');
    await a.page.getByTestId('clock-warning').waitFor({ state: 'visible', timeout: WAIT });

    // she corrects a title and exports
    await a.goto('#/models');
    await a.models.item('Mô hình của đồng nghiệp 2').first().locator('a').first().click();
    await a.detail.waitFor();
    await a.detail.editButton.click();
    await a.form.waitFor();
    await a.form.title.fill('Nuôi bò sinh sản (đã sửa tên)');
    await a.form.save();
    await a.detail.waitFor();
    await expectText(a.detail.title, 'Nuôi bò sinh sản (đã sửa tên)');
    await a.goto('#/exchange');
    const back = await downloaded(a.page, () => a.page.click('[data-testid=export-json]'));
    const sent = JSON.parse(back);
    const corrected = sent.models.find((m) => m.title === 'Nuôi bò sinh sản (đã sửa tên)');
    assert.ok(Date.parse(corrected.updated_at) > Date.parse(exported) - 3600_000, `stamped after the colleague's version: ${corrected.updated_at}`);

    // the colleague imports it: the correction wins there, no conflict to review
    await b.goto('#/exchange');
    const counts = await new ExchangePage(b.page).importText('phone-a.json', back);
    assert.equal(counts.updated, 1, JSON.stringify(counts));
    assert.equal(counts.conflicts, 0, JSON.stringify(counts));
    await b.goto('#/models');
    await eventually(async () => assert.equal(await b.models.item('đã sửa tên').count(), 1));
    assert.equal(await b.models.item('Mô hình của đồng nghiệp 2').count(), 0);
    assert.equal(await b.page.getByTestId('clock-warning').count(), 0);
    await b.goto('#/settings');
    await b.settings.waitFor();
    assert.equal(await b.page.getByTestId('clock-warning').count(), 0, 'no warning on a right clock');
    a.assertNoErrors();
    b.assertNoErrors();
  });

  test('the send screen offers the communes that have models, with counts, and says why it cannot start', async () => {
    const c = await App.open(right, server.base, PHONE);
    await c.resetStorage('#/models');
    await c.goto('#/send');
    const reason = c.page.getByTestId('send-reason');
    await c.page.getByTestId('send-locality').check();
    await expectText(reason, 'Chưa có mô hình nào để chuyển');
    assert.equal(await c.page.getByTestId('send-start').isDisabled(), true);
    await shot(c.page, 'send-nothing-360');
    await c.goto('#/models');
    await c.models.loadExamples();
    await expectCount(c.models.items, 5);
    await c.goto('#/send');
    await c.page.getByTestId('send-locality').check();
    const options = await c.page.locator('[data-testid=send-commune] option').allInnerTexts();
    assert.ok(options.length >= 1 && options.every((o) => /\(\d+\)$/.test(o.trim())), options.join(' | '));
    assert.ok(!options.some((o) => o.includes('Thuận An (0)')), 'no empty commune first');
    await eventually(async () => assert.equal(await c.page.getByTestId('send-start').isDisabled(), false));
    assert.equal((await reason.textContent()).trim(), '', 'no reason once it can start');
    c.assertNoErrors();
  });
});
