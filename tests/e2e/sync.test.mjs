// Sync with the city's server at phone size (360×740), against pouchdb-server on loopback (couch.mjs: set up
// by tools/couchdb-setup.mjs as a city's CouchDB, behind a forwarder the tests cut). Nothing here mocks
// HTTP. Settings › Đồng bộ: sign in (a wrong password says so; the password is never stored), two profiles
// editing offline then syncing to the same registry with the loser in the conflicts view, an expired session
// asking again and losing nothing, a record refused by validate_doc_update named on the screen and kept, and
// the server cut in the middle of a push: nothing lost, the next sync completes; the server restored from an
// older backup, then made again empty: the profiles send back what it lost. The steps share the server
// and the profiles, in order.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { shot } from './harness.mjs';
import { eventually, expectText, expectCount, textOf, twoProfiles } from './pages.mjs';

const DONE = /Đồng bộ xong lúc \d\d\/\d\d\/\d{4} \d\d:\d\d\./;
const SYNC_WAIT = 20_000;

describe('sync with the city server at phone size', () => {
  const profiles = twoProfiles();
  const { lan, minh, serverDocs, openSync, assertNoErrors } = profiles;
  let couch, ctxA, ctxB, a, b;
  before(() => ({ couch, ctxA, ctxB, a, b } = profiles));

  /** The ids of the models listed (from their links). */
  async function modelIds(app) {
    await app.goto('#/models');
    await expectCount(app.models.items, 5);
    const hrefs = await app.models.items.locator('a').evaluateAll((as) => as.map((x) => x.getAttribute('href')));
    return hrefs.map((h) => h.replace(/^#\/models\//, ''));
  }

  async function retitle(app, id, title) {
    await app.goto(`#/models/${id}/edit`);
    await app.form.waitFor();
    await app.form.title.fill(title);
    await app.form.save();
    await app.detail.waitFor();
    await expectText(app.detail.title, title);
  }

  /** A screenshot with the sync card at the top of the screen. */
  async function shotSync(app, name) {
    await app.dismissToast();
    await app.sync.root.evaluate((e) => window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY - 70));
    await shot(app.page, name);
  }

  async function syncNow(app) {
    await app.sync.nowButton.click();
    await expectText(app.sync.status, DONE, SYNC_WAIT);
  }

  test('signed out; a wrong password says so; the right one signs in and syncs, and the password is kept nowhere', async () => {
    await a.goto('#/models');
    await a.models.loadExamples();
    await expectCount(a.models.items, 5);
    await a.dismissToast();
    await openSync(a);
    await expectText(a.sync.status, 'Chưa đăng nhập');
    await shotSync(a, 'sync-signed-out');
    await a.sync.signIn({ url: couch.dbUrl, user: lan().name, password: 'sai-mat-khau' });
    await expectText(a.sync.status, 'Sai tài khoản hoặc mật khẩu');
    assert.equal(await a.sync.password.isVisible(), true, 'asked again');
    await shotSync(a, 'sync-wrong-password');
    await a.sync.signIn({ password: lan().password });
    await expectText(a.sync.status, DONE, SYNC_WAIT);
    await expectText(a.sync.account, lan().name);
    await eventually(async () => assert.equal(await a.sync.pendingCount(), 0));
    await expectCount(a.sync.password, 0);
    await shotSync(a, 'sync-signed-in');
    const stored = JSON.stringify(await a.storage());
    assert.ok(!stored.includes(lan().password), 'the password is not in localStorage');
    assert.ok(!stored.includes('sai-mat-khau'), 'nor the wrong one');
    const docs = await serverDocs();
    assert.equal([...docs.keys()].filter((k) => k.startsWith('model:')).length, 5, 'the five models reached the server');
    for (const d of docs.values()) assert.equal(d.written_by, lan().name);
    assertNoErrors(a);
  });

  test('two profiles edit different and the same model offline, sync, and show the same registry; the loser is in the conflicts view', async () => {
    await openSync(b);
    await b.sync.signIn({ url: couch.dbUrl, user: minh().name, password: minh().password });
    await expectText(b.sync.status, DONE, SYNC_WAIT);
    const ids = await modelIds(b);
    assert.deepEqual([...ids].sort(), [...(await modelIds(a))].sort(), 'B received A’s models');

    await ctxA.setOffline(true);
    await ctxB.setOffline(true);
    await retitle(a, ids[0], 'Sửa ở máy A');
    await retitle(b, ids[1], 'Sửa ở máy B');
    await retitle(a, ids[2], 'Cùng mô hình, bản của A');
    await retitle(b, ids[2], 'Cùng mô hình, bản của B');
    await openSync(a);
    await eventually(async () => assert.equal(await a.sync.pendingCount(), 2));
    await a.sync.nowButton.click();
    await expectText(a.sync.status, 'không có mạng');
    // The network back: each syncs by itself (the `online` event); A first, then B, then A takes B's.
    await ctxA.setOffline(false);
    await expectText(a.sync.status, DONE, SYNC_WAIT);
    await openSync(b);
    await ctxB.setOffline(false);
    await expectText(b.sync.status, DONE, SYNC_WAIT);
    await expectText(b.sync.cameIn, /1 xung đột/);
    await openSync(a);
    await syncNow(a);

    const titles = async (app) => {
      await app.goto('#/models');
      await expectCount(app.models.items, 5);
      return (await app.models.visibleTitles()).sort();
    };
    const ta = await titles(a);
    assert.deepEqual(ta, await titles(b), 'the same registry on both');
    assert.ok(ta.includes('Sửa ở máy A') && ta.includes('Sửa ở máy B'));
    const winner = ta.find((t) => t.startsWith('Cùng mô hình'));
    const loser = winner.endsWith('A') ? 'Cùng mô hình, bản của B' : 'Cùng mô hình, bản của A';
    // The device that took in the other's version keeps the loser for review.
    let found = false;
    for (const app of [a, b]) {
      await app.goto('#/exchange');
      const list = app.page.getByTestId('conflict');
      if ((await list.count()) > 0 && (await textOf(app.page.getByTestId('conflicts'))).includes(loser)) found = true;
    }
    assert.ok(found, `the loser “${loser}” is in a conflicts view`);
    assertNoErrors(a);
    assertNoErrors(b);
  });

  test('an expired session says so, asks for the password again, and loses nothing', async () => {
    await retitle(a, (await modelIds(a))[3], 'Sửa khi phiên đã hết');
    await openSync(a);
    await a.sync.nowButton.waitFor();
    // The session ends while the card is open: the sync's first request gets a 401.
    await couch.expireSessions();
    await a.sync.nowButton.click();
    await expectText(a.sync.status, 'Phiên đăng nhập đã hết hạn', SYNC_WAIT);
    await a.sync.password.waitFor({ state: 'visible' });
    await eventually(async () => assert.equal(await a.sync.pendingCount(), 1));
    await shotSync(a, 'sync-expired');
    await a.sync.signIn({ password: lan().password });
    await expectText(a.sync.status, DONE, SYNC_WAIT);
    await eventually(async () => assert.equal(await a.sync.pendingCount(), 0));
    const titles = [...(await serverDocs()).values()].map((d) => d.title);
    assert.ok(titles.includes('Sửa khi phiên đã hết'), 'the edit made before the expiry reached the server');
    // Ended while the card was closed: opening it asks the server (GET _session) and says so at once.
    await couch.expireSessions();
    await openSync(a);
    await expectText(a.sync.status, 'Phiên đăng nhập đã hết hạn');
    await a.sync.signIn({ password: lan().password });
    await expectText(a.sync.status, DONE, SYNC_WAIT);
  });

  test('opening the app syncs by itself when a server is set up and signed in', async () => {
    const ids = await modelIds(a);
    await retitle(a, ids[1], 'Gửi khi mở lại ứng dụng');
    await a.reload();
    await eventually(async () => {
      const titles = [...(await serverDocs()).values()].map((d) => d.title);
      assert.ok(titles.includes('Gửi khi mở lại ứng dụng'), 'the edit reached the server without a press');
    }, SYNC_WAIT);
  });

  test('the server cut in the middle of a push: nothing lost, the next sync completes', async () => {
    const ids = await modelIds(a);
    await retitle(a, ids[4], 'Gửi lúc máy chủ mất kết nối');
    await openSync(a);
    const cut = couch.cutOn(`POST /${couch.db}/_bulk_docs`, { when: 'response' });
    await a.sync.nowButton.click();
    await cut;
    await expectText(a.sync.status, 'Không kết nối được máy chủ', SYNC_WAIT);
    await couch.goLight();
    await syncNow(a);
    await eventually(async () => assert.equal(await a.sync.pendingCount(), 0));
    const titles = [...(await serverDocs()).values()].map((d) => d.title);
    assert.ok(titles.includes('Gửi lúc máy chủ mất kết nối'));
    await a.goto('#/models');
    await expectCount(a.models.items, 5);
    assertNoErrors(a);
  });

  test('the server restored from an older backup, then made again empty: the profiles send back what it lost', async () => {
    // B's session ended in an earlier step: B signs in again (which syncs).
    await openSync(b);
    if (await b.sync.password.isVisible()) {
      await b.sync.signIn({ user: minh().name, password: minh().password });
      await expectText(b.sync.status, DONE, SYNC_WAIT);
    }
    for (const app of [a, b, a]) {
      await openSync(app);
      await syncNow(app);
    }
    const ids = await modelIds(a);
    assert.deepEqual((await modelIds(b)).sort(), [...ids].sort());
    // A backup as a replication makes it (no _local checkpoint documents), then edits on both sides.
    const dump = await couch.backup();
    await retitle(a, ids[1], 'Sửa sau bản sao, trên A');
    await retitle(b, ids[2], 'Sửa sau bản sao, trên B');
    for (const app of [a, b]) {
      await openSync(app);
      await syncNow(app);
    }
    // The server goes back to the backup: both edits are gone from it, and the profiles' checkpoints too.
    await couch.restore(dump);
    let titles = [...(await serverDocs()).values()].map((d) => d.title);
    assert.ok(!titles.includes('Sửa sau bản sao, trên A') && !titles.includes('Sửa sau bản sao, trên B'));
    for (const app of [a, b]) {
      await openSync(app);
      await syncNow(app);
      await expectText(app.sync.cameIn, 'Máy chủ đã được khôi phục từ một bản sao cũ');
    }
    await shotSync(b, 'sync-server-restored');
    await openSync(a);
    await syncNow(a);
    titles = [...(await serverDocs()).values()].map((d) => d.title);
    assert.ok(titles.includes('Sửa sau bản sao, trên A'), 'A sent its edit again');
    assert.ok(titles.includes('Sửa sau bản sao, trên B'), 'B sent its edit again');
    // Made again empty (the setup's design document and _security only): the next syncs fill it again.
    await couch.restore({ ...dump, docs: dump.docs.filter((d) => d._id.startsWith('_design/')) });
    assert.equal((await serverDocs()).size, 0);
    for (const app of [a, b]) {
      await openSync(app);
      await syncNow(app);
      await eventually(async () => assert.equal(await app.sync.pendingCount(), 0));
    }
    const docs = await serverDocs();
    for (const id of ids) assert.ok(docs.has(`model:${id}`), `model:${id} is on the server again`);
    titles = [...docs.values()].map((d) => d.title);
    assert.ok(titles.includes('Sửa sau bản sao, trên A') && titles.includes('Sửa sau bản sao, trên B'));
    await b.goto(`#/models/${ids[1]}`);
    await expectText(b.detail.title, 'Sửa sau bản sao, trên A');
    await a.goto(`#/models/${ids[2]}`);
    await expectText(a.detail.title, 'Sửa sau bản sao, trên B');
    assertNoErrors(a);
    assertNoErrors(b);
  });

  test('a record refused by the server’s rules is named on the screen and kept on the device', async () => {
    // A member of the database without the officer role: validate_doc_update refuses each of its writes.
    await couch.addUser('thuc-tap', 'mat-khau-tt', []);
    const sec = (await couch.adminJson('GET', `/${couch.db}/_security`)).json;
    await couch.adminJson('PUT', `/${couch.db}/_security`, { ...sec, members: { ...sec.members, names: ['thuc-tap'] } });
    const ids = await modelIds(b);
    await openSync(b);
    await b.sync.signOutButton.click();
    await expectText(b.sync.status, 'Chưa đăng nhập');
    assert.equal(await b.sync.user.isEnabled(), true);
    await b.sync.signIn({ user: 'thuc-tap', password: 'mat-khau-tt' });
    await expectText(b.sync.status, DONE, SYNC_WAIT);
    await retitle(b, ids[0], 'Bản của người không có quyền');
    await openSync(b);
    await syncNow(b);
    await expectText(b.sync.refused, 'Bản của người không có quyền');
    await expectText(b.sync.refused, 'không có quyền cán bộ');
    await shotSync(b, 'sync-refused');
    await b.goto(`#/models/${ids[0]}`);
    await expectText(b.detail.title, 'Bản của người không có quyền');
    const titles = [...(await serverDocs()).values()].map((d) => d.title);
    assert.ok(!titles.includes('Bản của người không có quyền'), 'the server did not take it');
  });
});
