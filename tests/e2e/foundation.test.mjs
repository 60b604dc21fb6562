// Foundation: deep links under a sub-path, reload, tab bar, back/forward, unknown routes, language,
// screenshots at phone and desktop size, and no uncaught page errors.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { serve, launch, shot, PHONE, DESKTOP } from './harness.mjs';
import { App, eventually, expectText, textOf } from './pages.mjs';

describe('foundation', () => {
  let server, context, app;

  before(async () => {
    server = await serve();
    context = await launch();
  });
  after(async () => {
    await context?.close();
    await server?.close();
  });

  /** A fresh page on an empty, Vietnamese (default) app; closed and checked for errors after. */
  async function fresh(fragment, size = PHONE) {
    app = await App.open(context, server.base, size);
    await app.resetStorage(fragment);
    return app;
  }
  async function done() {
    app.assertNoErrors();
    await app.close();
  }

  test('the app is served from a sub-path with no server fallback', async () => {
    assert.match(server.base, /\/dvk\/$/);
    const res = await fetch(new URL('models/new', server.base));
    assert.equal(res.status, 404, 'the server has no SPA fallback');
  });

  test('a deep link from the sub-path opens its page, and a reload shows the same page', async () => {
    await fresh('#/models');
    await app.models.waitFor();
    assert.equal(await app.currentTab().getAttribute('data-tab'), 'models');
    assert.equal(await textOf(app.heading()), 'Danh sách mô hình');
    assert.equal(new URL(app.page.url()).pathname, '/dvk/');

    await app.reload();
    await app.models.waitFor();
    assert.equal(app.fragment(), '#/models');
    assert.equal(await app.currentTab().getAttribute('data-tab'), 'models');
    assert.equal(await textOf(app.heading()), 'Danh sách mô hình');

    // Another deep link: straight into the settings.
    await app.goto('#/settings');
    await app.settings.waitFor();
    assert.equal(await app.currentTab().getAttribute('data-tab'), 'settings');
    await done();
  });

  test('the bottom tab bar navigates between pages and marks the current one', async () => {
    await fresh('');
    await app.dashboard.waitFor();
    assert.equal(await app.currentTab().getAttribute('data-tab'), 'dashboard');
    await expectText(app.tabLabel('models'), 'Mô hình');

    await app.goTab('models');
    await app.models.waitFor();
    await app.expectFragment('#/models');

    await app.goTab('settings');
    await app.settings.waitFor();
    await app.expectFragment('#/settings');

    await app.goTab('plans');
    await app.expectFragment('#/plans');
    await expectText(app.heading(), 'Kế hoạch');

    await app.goTab('exchange');
    await app.expectFragment('#/exchange');

    await app.goTab('dashboard');
    await app.dashboard.waitFor();
    await app.expectFragment(/^#\/?$/);
    // Exactly one tab is current.
    assert.equal(await app.currentTab().count(), 1);
    await done();
  });

  test('back and forward move between visited pages', async () => {
    await fresh('#/models');
    await app.models.waitFor();
    await app.goTab('settings');
    await app.settings.waitFor();
    await app.goTab('plans');
    await app.expectFragment('#/plans');

    await app.page.goBack();
    await app.settings.waitFor();
    await app.expectFragment('#/settings');
    assert.equal(await app.currentTab().getAttribute('data-tab'), 'settings');

    await app.page.goBack();
    await app.models.waitFor();
    await app.expectFragment('#/models');
    assert.equal(await app.currentTab().getAttribute('data-tab'), 'models');

    await app.page.goForward();
    await app.settings.waitFor();
    await app.expectFragment('#/settings');

    await app.page.goForward();
    await app.expectFragment('#/plans');
    await eventually(async () => assert.equal(await app.currentTab().getAttribute('data-tab'), 'plans'));
    await done();
  });

  test('an unknown route shows the not-found page, which leads back to the dashboard', async () => {
    await fresh('#/nope');
    await app.notFound.waitFor();
    assert.equal(await textOf(app.heading()), 'Không tìm thấy trang');
    assert.equal(await app.currentTab().count(), 0, 'no tab is current on an unknown page');
    // A known page is not "not found".
    await app.goto('#/models');
    await app.models.waitFor();
    assert.equal(await app.notFound.root.count(), 0);
    // Deeper unknown paths too, and the way back.
    await app.goto('#/models/a/b/c');
    await app.notFound.waitFor();
    await app.notFound.backLink.click();
    await app.dashboard.waitFor();
    await app.expectFragment(/^#\/?$/);
    await done();
  });

  test('a link to a model that does not exist says so', async () => {
    await fresh('#/models/00000000-0000-4000-8000-000000000000');
    await expectText(app.page.locator('main'), 'Không tìm thấy mô hình này');
    await done();
  });

  test('the header language buttons change the visible text, and the choice survives a reload', async () => {
    await fresh('#/models');
    await app.models.waitFor();
    await expectText(app.tabLabel('models'), 'Mô hình');
    assert.equal(await app.htmlLang(), 'vi');
    assert.equal(await app.headerLang('vi').getAttribute('aria-pressed'), 'true');

    await app.headerLang('en').click();
    await expectText(app.tabLabel('models'), 'Models');
    await expectText(app.tabLabel('settings'), 'Settings');
    await expectText(app.heading(), 'Models');
    assert.equal(await app.htmlLang(), 'en');
    assert.equal(await app.headerLang('en').getAttribute('aria-pressed'), 'true');
    assert.equal(await app.headerLang('vi').getAttribute('aria-pressed'), 'false');

    await app.reload();
    await app.models.waitFor();
    await expectText(app.tabLabel('models'), 'Models');
    assert.equal(await app.htmlLang(), 'en');
    assert.equal(await app.page.title(), 'Skillful Mass Mobilization Registry');

    await app.headerLang('vi').click();
    await expectText(app.tabLabel('models'), 'Mô hình');
    await app.reload();
    await expectText(app.tabLabel('models'), 'Mô hình');
    assert.equal(await app.htmlLang(), 'vi');
    await done();
  });

  test('the language can be chosen in Settings too, and is remembered', async () => {
    await fresh('#/settings');
    await app.settings.waitFor();
    assert.equal(await textOf(app.heading()), 'Cài đặt');
    assert.equal(await app.settings.lang('vi').getAttribute('aria-pressed'), 'true');

    await app.settings.lang('en').click();
    await expectText(app.heading(), 'Settings');
    await expectText(app.tabLabel('models'), 'Models');
    await eventually(async () => assert.equal(await app.settings.lang('en').getAttribute('aria-pressed'), 'true'));
    // The header switch follows.
    assert.equal(await app.headerLang('en').getAttribute('aria-pressed'), 'true');

    await app.reload();
    await app.settings.waitFor();
    await expectText(app.heading(), 'Settings');
    await expectText(app.tabLabel('dashboard'), 'Dashboard');

    await app.settings.lang('vi').click();
    await expectText(app.heading(), 'Cài đặt');
    await expectText(app.tabLabel('models'), 'Mô hình');
    await done();
  });

  test('the first visit is not reloaded when the offline service worker takes control', async () => {
    const firstVisit = await launch(); // a new profile: no worker installed yet
    try {
      const a = await App.open(firstVisit, server.base);
      let loads = 0;
      a.page.on('load', () => loads++);
      await a.goto('#/models/new');
      await a.form.waitFor();
      await a.form.title.fill('Đang nhập dở');
      await eventually(async () => {
        assert.ok(await a.page.evaluate(() => !!navigator.serviceWorker.controller), 'worker in control');
      }, 20_000);
      await a.page.waitForTimeout(1000);
      assert.equal(loads, 1, 'the page reloaded by itself');
      assert.equal(await a.form.title.inputValue(), 'Đang nhập dở');
    } finally {
      await firstVisit.close();
    }
  });

  test('a trap of the wasm (a panic in the release build) replaces the page with the error screen and an export of what is stored', async () => {
    await fresh('#/models');
    await app.models.loadExamples();
    await app.models.titles.first().waitFor();
    // The release build compiles panics to an immediate trap (no panic hook runs): the page sees a
    // WebAssembly.RuntimeError, from an event handler (window `error`) or from a future (`unhandledrejection`).
    await app.page.evaluate(() => { setTimeout(() => { throw new WebAssembly.RuntimeError('unreachable'); }, 0); });
    const screen = app.page.locator('.error-screen[role=alert]');
    await screen.waitFor();
    const link = screen.locator('a[download="dvk-registry-backup.json"]');
    const [download] = await Promise.all([app.page.waitForEvent('download', { timeout: 15_000 }), link.click()]);
    const file = JSON.parse(await readFile(await download.path(), 'utf8'));
    assert.ok(file.models.length > 0, 'the export holds the stored models');
    assert.equal(await app.page.locator('[data-testid=models-page]').count(), 0, 'the app is gone');
    // another trap (a promise) does not draw it twice; an error that is not the wasm's draws nothing
    await app.page.evaluate(() => { Promise.reject(new WebAssembly.RuntimeError('unreachable')); });
    await app.page.evaluate(() => new Promise((r) => setTimeout(r, 50)));
    assert.equal(await app.page.locator('.error-screen').count(), 1);
    await app.close();

    await fresh('#/models');
    await app.page.evaluate(() => { setTimeout(() => { throw new Error('not the wasm'); }, 0); });
    await app.page.evaluate(() => new Promise((r) => setTimeout(r, 50)));
    assert.equal(await app.page.locator('.error-screen').count(), 0);
    await app.close();
  });

  test('screenshots at phone (360×740) and desktop (1280×800) size', async () => {
    await fresh('#/models', PHONE);
    await app.models.loadExamples();
    await app.models.titles.first().waitFor();
    await app.dismissToast();
    await shot(app.page, 'e2e-models-phone');
    await app.goto('#/');
    await app.dashboard.waitFor();
    await shot(app.page, 'e2e-dashboard-phone');
    await app.goto('#/nope');
    await app.notFound.waitFor();
    await shot(app.page, 'e2e-not-found-phone');
    await done();

    app = await App.open(context, server.base, DESKTOP);
    await app.goto('#/models');
    await app.models.titles.first().waitFor();
    const size = await app.page.evaluate(() => [innerWidth, innerHeight]);
    assert.deepEqual(size, [DESKTOP.width, DESKTOP.height]);
    await shot(app.page, 'e2e-models-desktop');
    await app.goto('#/');
    await app.dashboard.waitFor();
    await shot(app.page, 'e2e-dashboard-desktop');
    await done();
  });
});
