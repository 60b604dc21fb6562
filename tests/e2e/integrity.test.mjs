// Nothing an officer records is lost (issue #12), in a real browser at phone size: two pages of one
// browser saving at once (one kept from hearing the other first), a page crashed while a form holds text,
// and a file dated in the future flagged before import.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, newPage, shot, PHONE } from './harness.mjs';
import { App, eventually, expectText, expectCount, textOf, WAIT } from './pages.mjs';

const BLUP = 'ông Blup Xing';
const MUONG = 'mường'; // any second example model: matched by part of its title

describe('integrity', () => {
  let server, context, a;

  before(async () => {
    server = await serve();
    context = await launch();
    a = await App.open(context, server.base, PHONE);
    await a.resetStorage('#/models');
    await a.models.loadExamples();
    await expectCount(a.models.items, 5);
  });
  after(async () => {
    await context?.close();
    await server?.close();
  });

  /** Renames the model titled (in part) `part` from its edit form. */
  async function rename(app, part, title) {
    await app.goto('#/models');
    await app.models.item(part).first().locator('a').first().click();
    await app.detail.waitFor();
    await app.detail.editButton.click();
    await app.form.waitFor();
    await app.form.title.fill(title);
    await app.form.save();
    await app.detail.waitFor();
    await expectText(app.detail.title, title);
  }

  test('two pages saving at once keep both edits', async () => {
    // Page B never hears page A's storage events, as when both save before either is told.
    const pageB = await newPage(context, PHONE);
    await pageB.addInitScript(() => window.addEventListener('storage', (e) => e.stopImmediatePropagation(), true));
    const b = new App(pageB, server.base);
    await b.goto('#/models');
    await expectCount(b.models.items, 5);
    const titles = await a.models.visibleTitles();
    const other = titles.find((t) => !t.includes(BLUP));
    await rename(a, BLUP, 'Sửa ở trang A');
    await rename(b, other, 'Sửa ở trang B');
    // B's save found storage changed since it read it: it merged A's edit in before writing
    const bTitles = await (async () => { await b.goto('#/models'); return b.models.visibleTitles(); })();
    assert.ok(bTitles.some((t) => t.includes('Sửa ở trang A')), `B shows A's edit after its own save: ${bTitles}`);
    for (const app of [a, b]) {
      await app.reload();
      await app.goto('#/models');
      await expectCount(app.models.items, 5);
      const now = await app.models.visibleTitles();
      assert.ok(now.some((t) => t.includes('Sửa ở trang A')), `A's edit is there: ${now}`);
      assert.ok(now.some((t) => t.includes('Sửa ở trang B')), `B's edit is there: ${now}`);
    }
    await pageB.close();
    a.assertNoErrors();
  });

  test('a page crashed while a form holds text offers the draft at the next visit', async () => {
    const page = await newPage(context, PHONE);
    const c = new App(page, server.base);
    await c.goto('#/models/new');
    await c.form.waitFor();
    await c.form.title.fill('Nuôi ong lấy mật ở thôn A Ka');
    await c.form.village.fill('A Ka');
    // the draft is written as the officer types
    await eventually(async () => {
      const drafts = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('dvk.draft.')));
      assert.deepEqual(drafts, ['dvk.draft.model:new']);
    });
    const cdp = await context.newCDPSession(page);
    const crashed = new Promise((r) => page.once('crash', r));
    cdp.send('Page.crash').catch(() => {}); // never answered: the page is gone
    await crashed;
    page.close().catch(() => {});
    await a.goto('#/models/new');
    await a.form.waitFor();
    const offer = a.page.getByTestId('draft-offer');
    await offer.waitFor({ state: 'visible', timeout: WAIT });
    await shot(a.page, 'draft-offer-360');
    await a.page.getByTestId('draft-restore').click();
    await eventually(async () => assert.equal(await a.form.title.inputValue(), 'Nuôi ong lấy mật ở thôn A Ka'));
    assert.equal(await a.form.village.inputValue(), 'A Ka');
    await expectCount(offer, 0);
    // leaving with "cancel" drops it
    await a.page.locator('a.back').click();
    await eventually(async () => {
      const drafts = await a.page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('dvk.draft.')));
      assert.deepEqual(drafts, []);
    });
    a.assertNoErrors();
  });

  test('a file dated 2099 is flagged in the preview and can be brought back', async () => {
    const file = {
      format: 'dvk-registry', version: 1, exported_at: '2026-11-30T08:00:00Z',
      models: [{
        id: '7b7e1c1e-0000-4000-8000-000000002099', title: 'Mô hình từ tương lai', field: 'economic',
        locality: { code: 20101, name: 'Xã A Lưới 4' },
        created_at: '2099-01-01T00:00:00Z', updated_at: '2099-01-01T00:00:00Z',
      }],
      plans: [],
    };
    await a.goto('#/exchange');
    await a.page.getByTestId('import-file').setInputFiles({
      name: 'tuong-lai.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(file)),
    });
    const flagged = a.page.getByTestId('future-dated');
    await flagged.waitFor({ state: 'visible', timeout: WAIT });
    await expectText(flagged, 'Mô hình từ tương lai');
    await flagged.scrollIntoViewIfNeeded();
    await shot(a.page, 'future-dated-360');
    assert.equal(await a.page.getByTestId('future-bring-back').isChecked(), true, 'bringing back is the default');
    await a.page.getByTestId('confirm-import').click();
    await expectText(a.toast(), 'Đã nhập 1 mô hình mới');
    const stored = await a.page.evaluate(async () => {
      // read what the app would export: the model's time was brought back to the file's export time
      return localStorage.getItem('dvk.records') !== null;
    });
    assert.ok(stored);
    await a.goto('#/models');
    await a.models.item('Mô hình từ tương lai').first().locator('a').first().click();
    await a.detail.waitFor();
    await expectText(a.page.getByTestId('model-page'), '30/11/2026');
    a.assertNoErrors();
  });
});
