// A commune officer's field day on a 360×740 phone: the first visit (welcome card, name and unit, sample
// data marked and removable in one undoable step), the field visit as a first-class path (from the
// dashboard, the commune remembered, a model rated from its card in at most 5 taps, back returns to the
// visit), and the dashboard naming the list's filter it follows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, newPage, shot, PHONE, DESKTOP } from './harness.mjs';

const ready = (page) => page.waitForSelector('main h1', { timeout: 20_000 });
const A_LUOI_4 = '20101'; // today's commune of the article's first examples (formerly Xã A Roàng)

let server, context, page;
before(async () => {
  server = await serve();
  context = await launch();
  page = await newPage(context, PHONE);
});
after(async () => {
  await context?.close();
  await server?.close();
});

test('the first visit greets the officer at the top, asks who they are, and offers the ways to start', async () => {
  await page.goto(server.base + '#/');
  await ready(page);
  const welcome = page.getByTestId('welcome');
  await welcome.waitFor();
  const box = await welcome.boundingBox();
  assert.ok(box.y < 200, `the welcome card starts at the top (y = ${box.y})`);
  assert.equal(await page.getByTestId('figures').count(), 0, 'no dashboard of zeros');
  for (const id of ['welcome-add', 'welcome-import', 'welcome-samples']) {
    assert.ok(await page.getByTestId(id).isVisible(), `${id} is offered`);
  }
  await shot(page, 'welcome-360');
  await page.fill('#w-officer', 'Hồ Thị Lan');
  await page.locator('#w-officer').blur();
  await page.fill('#w-unit', 'Ban Dân vận xã A Roàng');
  await page.locator('#w-unit').blur();
  await page.getByTestId('welcome-samples').click();
  await page.getByTestId('figures').waitFor();
  // named: the card goes once there are models; changes are signed with the name
  await page.getByTestId('welcome').waitFor({ state: 'detached' });
  const settings = JSON.parse(await page.evaluate(() => localStorage.getItem('dvk.settings')));
  assert.equal(settings.officer, 'Hồ Thị Lan');
  assert.equal(settings.unit, 'Ban Dân vận xã A Roàng');
});

test('sample data is marked as such and goes in one confirmed, undoable step', async () => {
  await page.goto(server.base + '#/models');
  await page.waitForSelector('[data-testid=model-item]');
  assert.equal(await page.locator('[data-testid=model-item] .tag.sample').count(), 5, 'every sample is tagged');
  await page.getByTestId('remove-samples').click();
  await page.getByTestId('confirm-remove-samples').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=model-item]').length === 0);
  assert.match(await page.textContent('.toast'), /Đã xóa 5 mô hình mẫu/);
  await page.click('.toast .toast-action');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=model-item]').length === 5);
});

test('from opening the app to a saved evaluation in the remembered commune: at most 5 taps', async () => {
  // The commune is chosen once, on an earlier visit.
  await page.goto(server.base + '#/visit');
  await ready(page);
  await page.selectOption('#visit-commune', A_LUOI_4);
  await page.waitForSelector('[data-testid=visit-card]');
  // Opening the app again, on the dashboard.
  await page.goto(server.base + '#/');
  await page.reload();
  await ready(page);
  let taps = 0;
  const tap = async (locator) => { taps += 1; await locator.click(); };
  const shortcut = page.getByTestId('visit-shortcut');
  await shortcut.waitFor();
  assert.match(await shortcut.textContent(), /Xã A Lưới 4/, 'the shortcut names the remembered commune');
  await tap(shortcut);
  await page.waitForSelector('[data-testid=visit-card]');
  assert.equal(await page.inputValue('#visit-commune'), A_LUOI_4, 'the commune is remembered');
  assert.match(page.url(), /#\/visit\?loc=20101$/);
  const card = page.locator('[data-testid=visit-card]').first();
  const title = (await card.locator('.model-title').textContent()).trim();
  await tap(card.getByTestId('visit-rate'));
  const sheet = page.getByTestId('evaluation-sheet');
  await sheet.waitFor();
  assert.equal((await page.textContent('[data-testid=sheet-model]')).trim(), title);
  assert.match(await page.textContent('[data-testid=sheet-latest]'), /Đánh giá gần nhất: .+ · \d\d\/\d\d\/\d{4}|Chưa đánh giá/);
  await shot(page, 'visit-sheet-360');
  await tap(sheet.getByTestId('rate-effective'));
  await tap(sheet.getByTestId('save-evaluation'));
  await sheet.waitFor({ state: 'detached' });
  assert.ok(taps <= 5, `${taps} taps`);
  const d = new Date();
  const today = `${String(d.getDate()).padStart(2, '0')}/${String(d.getMonth() + 1).padStart(2, '0')}/${d.getFullYear()}`;
  await page.waitForFunction(
    ([t, day]) => [...document.querySelectorAll('[data-testid=visit-card]')].some((c) => c.querySelector('.model-title').textContent.trim() === t && c.textContent.includes(`Hiệu quả · ${day}`)),
    [title, today],
  );
  await shot(page, 'visit-360');
  // A model opened from the visit leads back to it.
  await page.locator('[data-testid=visit-card] a').first().click();
  await page.getByTestId('model-page').waitFor();
  const back = page.getByTestId('back');
  assert.match(await back.textContent(), /Về Đi cơ sở/);
  await back.click();
  await page.waitForSelector('[data-testid=visit-card]');
  assert.equal(await page.inputValue('#visit-commune'), A_LUOI_4);
});

test('the models list of one commune leads to its field visit', async () => {
  await page.goto(server.base + `#/models?loc=${A_LUOI_4}`);
  await page.waitForSelector('[data-testid=model-item]');
  await page.getByTestId('visit-here').click();
  await page.waitForSelector('[data-testid=visit-card]');
  assert.equal(await page.inputValue('#visit-commune'), A_LUOI_4);
});

test('a filtered dashboard names the filter and the share; a typed search is followed too', async () => {
  await page.goto(server.base + '#/models?rating=none');
  await page.waitForSelector('[data-testid=result-count]');
  const shown = (await page.textContent('[data-testid=result-count]')).match(/\d+/)[0];
  await page.getByRole('link', { name: 'Tổng quan' }).click();
  const banner = page.getByTestId('filter-banner');
  await page.getByTestId('figures').waitFor();
  await shot(page, 'dashboard-filtered-before-360');
  await banner.waitFor();
  assert.match(await banner.textContent(), new RegExp(`Đang lọc: Chưa đánh giá · ${shown}/5`));
  assert.equal((await page.textContent('[data-testid=total]')).trim(), shown);
  await shot(page, 'dashboard-filtered-360');
  // a search typed in the list
  await page.goto(server.base + '#/models');
  await page.waitForSelector('[data-testid=model-item]');
  await page.goto(server.base + '#/models?q=blup');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=model-item]').length === 1);
  await page.getByRole('link', { name: 'Tổng quan' }).click();
  await banner.waitFor();
  assert.match(await banner.textContent(), /Đang lọc: “blup” · 1\/5/);
  assert.equal((await page.textContent('[data-testid=total]')).trim(), '1');
  await page.getByTestId('clear-filter').click();
  await banner.waitFor({ state: 'detached' });
  assert.equal((await page.textContent('[data-testid=total]')).trim(), '5');
});

test('the field-day screens at desktop size', async () => {
  const desk = await newPage(context, DESKTOP);
  await desk.goto(server.base + `#/visit?loc=${A_LUOI_4}`);
  await desk.waitForSelector('[data-testid=visit-card]');
  await shot(desk, 'visit-1280');
  await desk.locator('[data-testid=visit-rate]').first().click();
  await desk.getByTestId('evaluation-sheet').waitFor();
  await shot(desk, 'visit-sheet-1280');
  await desk.keyboard.press('Escape');
  await desk.getByTestId('evaluation-sheet').waitFor({ state: 'detached' });
  await desk.goto(server.base + '#/');
  await desk.getByTestId('visit-shortcut').waitFor();
  await shot(desk, 'dashboard-1280');
  for (const [at, sel, name] of [
    ['#/models', '[data-testid=model-item]', 'models-1280'],
    ['#/models/new', '#f-title', 'model-form-1280'],
    ['#/plans/new', '#p-title', 'plan-form-1280'],
    ['#/settings', '#s-officer', 'settings-1280'],
  ]) {
    await desk.goto(server.base + at);
    await desk.waitForSelector(sel);
    await shot(desk, name);
  }
  await desk.goto(server.base + '#/models');
  await desk.locator('[data-testid=model-item] a').first().click();
  await desk.getByTestId('model-page').waitFor();
  await shot(desk, 'model-1280');
  await desk.close();
});

/** What a 360 px screen cuts: selects and placeholders whose text is wider than their box, ellipsised
 *  titles, and anything wider than the screen. */
async function cutTexts(page) {
  return page.evaluate(() => {
    const ctx = document.createElement('canvas').getContext('2d');
    const width = (el, text) => {
      const cs = getComputedStyle(el);
      ctx.font = `${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
      return ctx.measureText(text).width;
    };
    const room = (el) => {
      const cs = getComputedStyle(el);
      return el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    };
    const visible = (el) => el.offsetParent !== null;
    const out = [];
    for (const s of document.querySelectorAll('main select')) {
      const text = s.selectedOptions[0]?.textContent ?? '';
      if (visible(s) && width(s, text) > room(s) - 18) out.push(`select #${s.id}: "${text}"`);
    }
    for (const i of document.querySelectorAll('main input[placeholder]')) {
      if (visible(i) && width(i, i.placeholder) > room(i)) out.push(`placeholder of #${i.id}: "${i.placeholder}"`);
    }
    for (const el of document.querySelectorAll('.brand-name, .brand-short, .rating-buttons button, .pager span, .chip')) {
      if (visible(el) && el.scrollWidth > el.clientWidth + 1) out.push(`cut: ${el.className} "${el.textContent.trim()}"`);
    }
    for (const el of document.querySelectorAll('.rating-buttons button')) {
      if (visible(el) && el.getBoundingClientRect().height > 50) out.push(`wraps: "${el.textContent.trim()}"`);
    }
    for (const el of document.querySelectorAll('.chip, .pager')) {
      const r = el.getBoundingClientRect();
      if (visible(el) && (r.right > innerWidth + 1 || r.left < -1)) out.push(`off screen: ${el.className} "${el.textContent.trim()}"`);
    }
    const pager = document.querySelector('.pager');
    if (pager && pager.getBoundingClientRect().height > 60) out.push('the pager wraps');
    if (document.scrollingElement.scrollWidth > innerWidth + 1) out.push(`page ${document.scrollingElement.scrollWidth} px wide`);
    return out;
  });
}

test('at 360 px nothing is cut: selects, the search hint, the title, the chips, the rating buttons, the pager', async () => {
  // the demo city, for a pager: the samples go, and the welcome card offers the demo
  await page.goto(server.base + '#/');
  await ready(page);
  await page.getByTestId('remove-samples').click();
  await page.getByTestId('confirm-remove-samples').click();
  await page.getByTestId('welcome-demo').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=total]')?.textContent.trim() === '2.226', null, { timeout: 60_000 });
  const checks = [
    ['#/models', '[data-testid=model-item]'],
    ['#/models/new', '#f-title'],
    ['#/plans/new', '#p-title'],
    ['#/', '[data-testid=figures]'],
    ['#/settings', '#s-officer'],
  ];
  for (const [at, sel] of checks) {
    await page.goto(server.base + at);
    await page.waitForSelector(sel);
    if (at === '#/models') {
      const details = page.getByTestId('filters');
      if (!(await details.evaluate((d) => d.open))) await details.locator('summary').click();
    }
    if (at === '#/models/new') {
      await page.selectOption('#f-status', { index: 1 }).catch(() => {});
    }
    assert.deepEqual(await cutTexts(page), [], `at ${at}`);
    await shot(page, `fit-${at.replace(/[#/]+/g, '-').replace(/^-|-$/g, '') || 'dashboard'}-360`);
  }
  // the rating buttons, in the sheet
  await page.goto(server.base + `#/visit?loc=${A_LUOI_4}`);
  await page.waitForSelector('[data-testid=visit-rate]');
  await page.locator('[data-testid=visit-rate]').first().click();
  await page.getByTestId('evaluation-sheet').waitFor();
  assert.deepEqual(await cutTexts(page), [], 'in the evaluation sheet');
  await page.keyboard.press('Escape');
});

test('a typed commune becomes the one unit it names, else the form refuses', async () => {
  await page.goto(server.base + '#/models/new');
  await page.waitForSelector('#f-title');
  await page.fill('#f-title', 'Tổ hòa giải thôn');
  await page.fill('#f-locality', 'a luoi');
  await page.locator('.picker-group').first().waitFor();
  const groups = await page.locator('.picker-group').allTextContents();
  assert.deepEqual(groups, ['Xã, phường (từ 7/2025)', 'Đơn vị cũ (trước 7/2025)'], 'today\'s units and the former ones, labelled');
  await shot(page, 'locality-groups-360');
  await page.locator('#f-title').click(); // no suggestion tapped
  await page.click('[data-testid=save-model]');
  const error = page.getByTestId('error-locality');
  await error.waitFor();
  assert.match(await error.textContent(), /khớp \d+ đơn vị: hãy chọn một trong danh sách/);
  assert.match(page.url(), /#\/models\/new$/, 'not saved');
  await page.fill('#f-locality', 'a luoi 44');
  await page.locator('#f-title').click();
  await page.click('[data-testid=save-model]');
  await page.waitForFunction(() => /Không có xã, phường nào tên như vậy/.test(document.querySelector('[data-testid=error-locality]')?.textContent ?? ''));
  await page.fill('#f-locality', 'a luoi 4');
  await page.locator('#f-title').click();
  await page.click('[data-testid=save-model]');
  await page.getByTestId('model-page').waitFor();
  const details = await page.textContent('dl.details');
  assert.match(details, /Xã A Lưới 4/);
  assert.doesNotMatch(details, /a luoi 4|đơn vị cũ/);
});
