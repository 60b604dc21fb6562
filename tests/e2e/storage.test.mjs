// Storage robustness: damaged records in localStorage never blank the app nor get thrown away. The app
// still renders, warns (role=alert), and keeps the damaged value under a "dvk.corrupt.*" key.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, PHONE } from './harness.mjs';
import { App, eventually, expectText, expectCount } from './pages.mjs';

const DAMAGED = [
  ['text that is not JSON', '{"models": [ {"id": "x", "title": "cut off'],
  ['a broken compressed value', 'DVKZ1:10:garbage'],
];

describe('storage robustness', () => {
  let server;

  before(async () => {
    server = await serve();
  });
  after(async () => {
    await server?.close();
  });

  for (const [what, value] of DAMAGED) {
    test(`with ${what} under dvk.records the app renders, warns, and keeps the value aside`, async () => {
      // A fresh profile, settled (service worker in control), then damaged before the app's script runs
      // on the next load (only that once).
      const context = await launch();
      try {
        const app = await App.open(context, server.base, PHONE);
        await app.resetStorage('#/models');
        await context.addInitScript(([v]) => {
          if (!sessionStorage.getItem('e2e.seeded')) {
            sessionStorage.setItem('e2e.seeded', '1');
            localStorage.clear();
            localStorage.setItem('dvk.schema', '1');
            localStorage.setItem('dvk.records', v);
          }
        }, [value]);
        await app.reload();
        await app.models.waitFor();
        await expectText(app.tabLabel('models'), 'Mô hình');

        // The warning.
        await expectCount(app.notices(), 1);
        assert.equal(await app.notices().getAttribute('role'), 'alert');
        await expectText(app.notices(), 'bị hỏng');
        assert.ok(await app.page.getByRole('alert').first().isVisible());

        // The damaged value was kept, byte for byte, under dvk.corrupt.<time>.
        const stored = await app.storage();
        const kept = Object.keys(stored).filter((k) => k.startsWith('dvk.corrupt.'));
        assert.equal(kept.length, 1, `kept-aside keys: ${Object.keys(stored).join(', ')}`);
        assert.equal(stored[kept[0]], value);
        assert.notEqual(stored['dvk.records'], value, 'the damaged value is not left where it would be overwritten');

        // The app works: the list is empty and models can be added and stored (writes may be deferred a
        // moment), while the kept copy stays as it was.
        await expectCount(app.models.items, 0);
        await app.models.loadExamples();
        await expectCount(app.models.items, 5);
        await eventually(async () => {
          const after = await app.storage();
          assert.equal(after[kept[0]], value, 'the kept copy survives later saves');
          assert.ok(after['dvk.records'] && after['dvk.records'] !== value, 'the registry was written anew');
        });

        // Dismissing the warning hides it; after a reload there is no new warning, and Settings lists
        // the kept-aside key.
        await app.notices().getByRole('button').click();
        await expectCount(app.notices(), 0);
        await app.reload();
        await expectCount(app.models.items, 5);
        await expectCount(app.notices(), 0);
        await app.goTab('settings');
        await app.settings.waitFor();
        await expectText(app.settings.root, kept[0]);
        app.assertNoErrors();
      } finally {
        await context.close();
      }
    });
  }

  test('data written by a newer schema is not overwritten', async () => {
    const context = await launch();
    try {
      const app = await App.open(context, server.base, PHONE);
      await app.resetStorage('#/models');
      await app.page.evaluate(() => {
        localStorage.clear();
        localStorage.setItem('dvk.schema', '99');
        localStorage.setItem('dvk.records', 'written by a future version');
      });
      await app.reload();
      await app.models.waitFor();
      await expectCount(app.notices(), 1);
      await expectText(app.notices(), 'phiên bản mới hơn');
      // Even after a change in this app, the newer data stays as it was.
      await app.models.loadExamples();
      await expectCount(app.models.items, 5);
      const stored = await app.storage();
      assert.equal(stored['dvk.records'], 'written by a future version');
      assert.equal(stored['dvk.schema'], '99');
      app.assertNoErrors();
    } finally {
      await context.close();
    }
  });
});
