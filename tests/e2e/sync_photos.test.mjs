// Photos and the city's server at phone size (360×740), against pouchdb-server on loopback (couch.mjs, set
// up by tools/couchdb-setup.mjs). A photo taken on one profile goes up as its own `photo:<sha256>` document
// with the image attached (accepted by the design document's rules), the model's record naming it without
// the image; the other profile syncs and shows it, byte for byte the same image. Then, with downloading during
// sync turned off, a second photo comes down only when its model is opened (on demand). Nothing mocks HTTP.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { shot } from './harness.mjs';
import { expectText, expectCount, twoProfiles } from './pages.mjs';

const DONE = /Đồng bộ xong lúc \d\d\/\d\d\/\d{4} \d\d:\d\d\./;
const SYNC_WAIT = 30_000;

/** A JPEG of `w`×`h` drawn by the browser (stripes and a circle). */
async function makeJpeg(page, w, h, hue = 0) {
  const b64 = await page.evaluate(async ([w, h, hue]) => {
    const c = new OffscreenCanvas(w, h);
    const g = c.getContext('2d');
    for (let x = 0; x < w; x += 60) { g.fillStyle = `hsl(${(hue + x / 5) % 360} 70% 50%)`; g.fillRect(x, 0, 60, h); }
    g.fillStyle = '#fff'; g.beginPath(); g.arc(w / 2, h / 2, h / 4, 0, 7); g.fill();
    const blob = await c.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let s = ''; for (const b of bytes) s += String.fromCharCode(b);
    return btoa(s);
  }, [w, h, hue]);
  return Buffer.from(b64, 'base64');
}

/** The SHA-256s of the images in the page's IndexedDB. */
function storedShas(page) {
  return page.evaluate(async () => {
    const db = await new Promise((ok, bad) => { const r = indexedDB.open('dvk-images', 1); r.onsuccess = () => ok(r.result); r.onerror = () => bad(r.error); });
    const keys = await new Promise((ok, bad) => { const r = db.transaction('images').objectStore('images').getAllKeys(); r.onsuccess = () => ok(r.result); r.onerror = () => bad(r.error); });
    db.close();
    return keys.map(String).sort();
  });
}

/** Waits until the model's photo thumbnails show `n` loaded images. */
async function thumbsLoaded(page, n) {
  await page.waitForFunction((n) => {
    const imgs = [...document.querySelectorAll('[data-testid=model-evidence] [data-testid=photo-thumb] img')];
    return imgs.length >= n && imgs.every((i) => i.complete && i.naturalWidth > 0);
  }, n, { timeout: 20_000 });
}

describe('photos through the city server at phone size', () => {
  const profiles = twoProfiles();
  const { lan, minh, serverDocs, openSync, assertNoErrors } = profiles;
  let couch, ctxA, ctxB, a, b, modelId;
  before(() => ({ couch, ctxA, ctxB, a, b } = profiles));

  async function syncNow(app) {
    await openSync(app);
    await app.sync.nowButton.click();
    await expectText(app.sync.status, DONE, SYNC_WAIT);
  }

  async function addPhoto(app, id, jpeg, n) {
    await app.goto(`#/models/${id}`);
    await app.detail.waitFor();
    await app.page.locator('[data-testid=model-evidence] [data-testid=photo-input]').setInputFiles({ name: 'anh.jpg', mimeType: 'image/jpeg', buffer: jpeg });
    await thumbsLoaded(app.page, n);
  }

  test('a photo taken on one profile appears on the other', async () => {
    await a.goto('#/models');
    await a.models.loadExamples();
    await expectCount(a.models.items, 5);
    await a.dismissToast();
    const href = await a.models.items.first().locator('a').first().getAttribute('href');
    modelId = href.replace(/^#\/models\//, '');
    await addPhoto(a, modelId, await makeJpeg(a.page, 1200, 900, 10), 1);
    const [sha] = await storedShas(a.page);
    assert.match(sha, /^[0-9a-f]{64}$/);

    await openSync(a);
    await expectText(a.sync.root.getByTestId('sync-photos-pending'), /Ảnh chờ gửi: 1/);
    await a.sync.signIn({ url: couch.dbUrl, user: lan().name, password: lan().password });
    await expectText(a.sync.status, DONE, SYNC_WAIT);
    await expectText(a.sync.root.getByTestId('sync-photos'), /đã gửi 1/, SYNC_WAIT);
    await expectText(a.sync.root.getByTestId('sync-photos-pending'), /Ảnh chờ gửi: 0/);
    // On the server: the image as its own document, the record naming it without the image.
    const docs = await serverDocs();
    const photo = docs.get(`photo:${sha}`);
    assert.ok(photo, `photo:${sha} on the server: ${[...docs.keys()].join(', ')}`);
    assert.equal(photo.type, 'photo');
    assert.equal(photo.written_by, lan().name);
    assert.equal(photo._attachments.image.content_type, 'image/jpeg');
    const entry = docs.get(`model:${modelId}`).photos[0];
    assert.equal(entry.sha256, sha);
    assert.equal(entry.data, undefined, 'the record carries no image');
    const att = await couch.adminJson('GET', `/${couch.db}/photo:${sha}?attachments=true`);
    const bytes = Buffer.from(att.json._attachments.image.data, 'base64');
    assert.equal((await import('node:crypto')).createHash('sha256').update(bytes).digest('hex'), sha, 'the server holds that very image');

    await openSync(b);
    await b.sync.signIn({ url: couch.dbUrl, user: minh().name, password: minh().password });
    await expectText(b.sync.status, DONE, SYNC_WAIT);
    await expectText(b.sync.root.getByTestId('sync-photos'), /đã nhận 1/, SYNC_WAIT);
    await b.dismissToast();
    await b.sync.root.evaluate((e) => window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY - 70));
    await shot(b.page, 'sync-photos-360');
    assert.deepEqual(await storedShas(b.page), [sha], 'the same image, by its SHA-256');
    await b.goto(`#/models/${modelId}`);
    await b.detail.waitFor();
    await thumbsLoaded(b.page, 1);
    await b.page.getByTestId('model-evidence').evaluate((e) => window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY - 70));
    await shot(b.page, 'sync-photo-on-model-360');
    assertNoErrors(a);
    assertNoErrors(b);
  });

  test('with downloading during sync off, a photo comes down when its model is opened', async () => {
    await openSync(b);
    const box = b.sync.root.getByTestId('sync-photos-download');
    assert.equal(await box.isChecked(), true, 'on by default');
    await box.uncheck();
    await addPhoto(a, modelId, await makeJpeg(a.page, 900, 1200, 200), 2);
    await syncNow(a);
    await expectText(a.sync.root.getByTestId('sync-photos'), /đã gửi 1/, SYNC_WAIT);
    await syncNow(b);
    await expectText(b.sync.root.getByTestId('sync-photos'), /khi mở xem/, SYNC_WAIT);
    assert.equal((await storedShas(b.page)).length, 1, 'not downloaded during the sync');
    await b.goto(`#/models/${modelId}`);
    await b.detail.waitFor();
    await expectCount(b.page.locator('[data-testid=model-evidence] [data-testid=photo-thumb]'), 2);
    await thumbsLoaded(b.page, 2);
    assert.deepEqual(await storedShas(b.page), await storedShas(a.page), 'came down on demand');
    assertNoErrors(b);
  });
});
