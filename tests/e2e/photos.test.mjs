// Evidence from the field (issue #15) on a 360×740 phone: a photo (a JPEG made by the test, 4000×3000) and
// the phone's position (a fixed geolocation) added to an evaluation with the network off; a photo with a
// caption on the model; exported with photos and imported into a second browser profile, where the image
// has the same SHA-256; then a file without photos into that profile, which keeps its images; and a file
// that is not a photo, or a damaged JPEG, refused with a clear message.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { serve, launch, newPage, shot, offlineReady, unzip, PHONE } from './harness.mjs';

const ready = (page) => page.waitForSelector('main h1', { timeout: 20_000 });
const HERE = { latitude: 16.2157, longitude: 107.2751, accuracy: 12 };

let server;
before(async () => { server = await serve(); });
after(async () => { await server?.close(); });

async function downloaded(page, click) {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 20_000 }), click()]);
  return { name: download.suggestedFilename(), text: await readFile(await download.path(), 'utf8') };
}

/** A JPEG's size from its start-of-frame segment. */
function jpegSize(b) {
  for (let i = 2; i + 9 < b.length;) {
    const marker = b[i + 1];
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) return { w: b.readUInt16BE(i + 7), h: b.readUInt16BE(i + 5) };
    i += 2 + b.readUInt16BE(i + 2);
  }
  return null;
}

/** A JPEG of `w`×`h` drawn by the browser (stripes and a circle, so it is no blank image). */
async function makeJpeg(page, w, h) {
  const b64 = await page.evaluate(async ([w, h]) => {
    const c = new OffscreenCanvas(w, h);
    const g = c.getContext('2d');
    for (let x = 0; x < w; x += 80) { g.fillStyle = `hsl(${(x / 7) % 360} 70% 50%)`; g.fillRect(x, 0, 80, h); }
    g.fillStyle = '#fff'; g.beginPath(); g.arc(w / 2, h / 2, h / 4, 0, 7); g.fill();
    const blob = await c.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let s = ''; for (const b of bytes) s += String.fromCharCode(b);
    return btoa(s);
  }, [w, h]);
  return Buffer.from(b64, 'base64');
}

/** The stored image with this SHA-256 in the page's IndexedDB: its size, type, pixel size and SHA-256. */
function storedImage(page, sha) {
  return page.evaluate(async (sha) => {
    const db = await new Promise((ok, bad) => { const r = indexedDB.open('dvk-images', 1); r.onsuccess = () => ok(r.result); r.onerror = () => bad(r.error); });
    const blob = await new Promise((ok, bad) => { const r = db.transaction('images').objectStore('images').get(sha); r.onsuccess = () => ok(r.result); r.onerror = () => bad(r.error); });
    db.close();
    if (!blob) return null;
    const buf = await blob.arrayBuffer();
    const digest = [...new Uint8Array(await crypto.subtle.digest('SHA-256', buf))].map((b) => b.toString(16).padStart(2, '0')).join('');
    const bmp = await createImageBitmap(blob);
    return { size: blob.size, type: blob.type, width: bmp.width, height: bmp.height, sha256: digest };
  }, sha);
}

/** Confirms the import on screen and waits until it is done (images stored, then records merged). */
async function confirmImport(page) {
  await page.click('[data-testid=confirm-import]');
  await page.waitForSelector('[data-testid=import-preview]', { state: 'detached' });
  await page.waitForFunction(() => /Đã nhập/.test(document.querySelector('.toast')?.textContent || ''), null, { timeout: 20_000 });
}

/** Waits until every thumbnail on the page shows a loaded image. */
async function thumbsLoaded(page, n) {
  await page.waitForFunction((n) => {
    const imgs = [...document.querySelectorAll('[data-testid=photo-thumb] img')];
    return imgs.length >= n && imgs.every((i) => i.complete && i.naturalWidth > 0);
  }, n, { timeout: 15_000 });
}

test('a photo and the position on an evaluation offline, shared with photos, arrive with the same SHA-256', async () => {
  const a = await launch({ geolocation: HERE, permissions: ['geolocation'] });
  const b = await launch();
  try {
    const pa = await newPage(a, PHONE);
    await pa.goto(server.base + '#/models');
    await ready(pa);
    await pa.click('[data-testid=load-examples]');
    await pa.waitForSelector('[data-testid=model-item]');
    await offlineReady(pa);
    await server.goDark();
    let photoSha, modelId;
    try {
      // --- on the visit, no network: rate, add a photo and the position
      await pa.click('[data-testid=model-item] a');
      await pa.getByTestId('model-title').waitFor();
      modelId = decodeURIComponent(new URL(pa.url()).hash.replace(/^#\/models\//, ''));
      await pa.getByTestId('add-evaluation').click();
      await pa.getByTestId('evaluation-sheet').waitFor();
      await pa.getByTestId('rate-effective').click();
      await pa.locator('[data-testid=eval-evidence] summary').click();
      const jpeg = await makeJpeg(pa, 4000, 3000);
      await pa.locator('.sheet [data-testid=photo-input]').setInputFiles({ name: 'IMG_0001.jpg', mimeType: 'image/jpeg', buffer: jpeg });
      await thumbsLoaded(pa, 1);
      await pa.locator('.sheet [data-testid=location-current]').click();
      await pa.locator('.sheet [data-testid=location]').waitFor();
      assert.match(await pa.locator('.sheet [data-testid=location]').textContent(), /16\.2157, 107\.2751 \(sai số ±12 m\)/);
      await shot(pa, 'photo-eval-sheet-360');
      await pa.getByTestId('save-evaluation').click();
      await pa.getByTestId('evaluation-sheet').waitFor({ state: 'detached' });
      const visit = pa.locator('[data-testid=evaluations] > li').first();
      await visit.locator('[data-testid=photo-thumb] img').waitFor();
      assert.equal(await visit.locator('[data-testid=location-map]').getAttribute('href'), 'geo:16.2157,107.2751?q=16.2157,107.2751');

      // the stored image was shrunk (long side 1600), is a JPEG, and is kept under its SHA-256
      photoSha = await pa.evaluate(async () => {
        const db = await new Promise((ok) => { const r = indexedDB.open('dvk-images', 1); r.onsuccess = () => ok(r.result); });
        const keys = await new Promise((ok) => { const r = db.transaction('images').objectStore('images').getAllKeys(); r.onsuccess = () => ok(r.result); });
        db.close();
        return keys;
      });
      assert.equal(photoSha.length, 1);
      photoSha = photoSha[0];
      const img = await storedImage(pa, photoSha);
      assert.equal(img.type, 'image/jpeg');
      assert.deepEqual([img.width, img.height], [1600, 1200], 'shrunk to a long side of 1600 px');
      assert.ok(img.size < 400_000, `a kept photo is small (${img.size} bytes)`);
      assert.equal(img.sha256, photoSha);

      // --- a photo of the model itself, with a caption; then delete it and undo
      await pa.locator('[data-testid=model-evidence] [data-testid=photo-input]').setInputFiles({ name: 'nha.jpg', mimeType: 'image/jpeg', buffer: await makeJpeg(pa, 1200, 1600) });
      await pa.locator('[data-testid=model-evidence] [data-testid=photo-thumb] img').waitFor();
      await pa.locator('[data-testid=model-evidence] [data-testid=photo-thumb]').click();
      await pa.getByTestId('photo-view').waitFor();
      await pa.getByTestId('photo-caption').fill('Nhà văn hóa thôn sau khi sửa');
      await shot(pa, 'photo-view-360');
      await pa.getByText('Lưu chú thích').click();
      await pa.locator('[data-testid=model-evidence] .photo-caption').waitFor();
      assert.equal(await pa.locator('[data-testid=model-evidence] .photo-caption').textContent(), 'Nhà văn hóa thôn sau khi sửa');
      await pa.locator('[data-testid=model-evidence] [data-testid=photo-thumb]').click();
      await pa.getByTestId('photo-delete').click();
      await pa.waitForFunction(() => document.querySelectorAll('[data-testid=model-evidence] [data-testid=photo-thumb]').length === 0);
      await pa.click('.toast .toast-action');
      await pa.locator('[data-testid=model-evidence] [data-testid=photo-thumb]').waitFor();
      // the model's own location, typed; a refused value is explained
      await pa.locator('[data-testid=model-evidence] [data-testid=location-typed]').fill('95, 107');
      await pa.locator('[data-testid=model-evidence] [data-testid=location-typed]').press('Enter');
      assert.match(await pa.locator('[data-testid=model-evidence] [data-testid=location-error]').textContent(), /Vĩ độ phải từ -90 đến 90/);
      await pa.locator('[data-testid=model-evidence] [data-testid=location-typed]').fill('16,4637; 107,5909');
      await pa.locator('[data-testid=model-evidence] [data-testid=location-typed]').press('Enter');
      await pa.locator('[data-testid=model-evidence] [data-testid=location]').waitFor();
      await pa.locator('[data-testid=model-evidence]').scrollIntoViewIfNeeded();
      await thumbsLoaded(pa, 2);
      await shot(pa, 'photo-model-360');
    } finally {
      await server.goLight();
    }

    // --- export with photos (offered, with its size) and import into a second profile
    await pa.goto(server.base + '#/exchange');
    await ready(pa);
    await pa.getByTestId('export-photos').waitFor();
    assert.match(await pa.getByTestId('export-photos').textContent(), /Kèm ảnh \(\d+ KB\)/);
    await pa.getByTestId('export-with-photos').check();
    await shot(pa, 'photo-export-360');
    const file = await downloaded(pa, () => pa.click('[data-testid=export-json]'));
    const data = JSON.parse(file.text);
    const model = data.models.find((m) => m.id === modelId);
    const evalPhoto = model.evaluations.flatMap((e) => e.photos || [])[0];
    assert.equal(evalPhoto.sha256, photoSha);
    assert.equal(createHash('sha256').update(Buffer.from(evalPhoto.data, 'base64')).digest('hex'), photoSha, 'the data is the image');
    assert.deepEqual(model.location, { lat: 16.4637, lon: 107.5909, accuracy_m: null });
    assert.equal(model.photos.filter((p) => !p.deleted_at).length, 1);

    const pb = await newPage(b, PHONE);
    await pb.goto(server.base + '#/exchange');
    await ready(pb);
    await pb.setInputFiles('[data-testid=import-file]', { name: file.name, mimeType: 'application/json', buffer: Buffer.from(file.text) });
    await pb.getByTestId('preview-photos').waitFor();
    assert.match(await pb.getByTestId('preview-photos').textContent(), /Tệp có 2 ảnh/);
    await confirmImport(pb);
    const got = await storedImage(pb, photoSha);
    assert.equal(got?.sha256, photoSha, 'the same image, by SHA-256, in the other profile');
    await pb.goto(server.base + `#/models/${encodeURIComponent(modelId)}`);
    await pb.getByTestId('model-title').waitFor();
    await thumbsLoaded(pb, 2);

    // --- A changes the caption and sends a file without photos: B keeps its images and takes the caption
    await pa.goto(server.base + `#/models/${encodeURIComponent(modelId)}`);
    await pa.locator('[data-testid=model-evidence] [data-testid=photo-thumb]').click();
    await pa.getByTestId('photo-caption').fill('Nhà văn hóa thôn (ảnh tháng 12)');
    await pa.getByText('Lưu chú thích').click();
    await pa.waitForFunction(() => document.querySelector('[data-testid=model-evidence] .photo-caption')?.textContent === 'Nhà văn hóa thôn (ảnh tháng 12)');
    await pa.goto(server.base + '#/exchange');
    await pa.getByTestId('export-without-photos').check();
    const light = await downloaded(pa, () => pa.click('[data-testid=export-json]'));
    assert.doesNotMatch(light.text, /"data":/);
    assert.match(light.text, new RegExp(photoSha));
    await pb.goto(server.base + '#/exchange');
    await ready(pb);
    await pb.setInputFiles('[data-testid=import-file]', { name: light.name, mimeType: 'application/json', buffer: Buffer.from(light.text) });
    await pb.waitForSelector('[data-testid=import-preview]');
    await confirmImport(pb);
    await pb.goto(server.base + `#/models/${encodeURIComponent(modelId)}`);
    await pb.getByTestId('model-title').waitFor();
    await thumbsLoaded(pb, 2);
    assert.equal(await pb.locator('[data-testid=model-evidence] .photo-caption').textContent(), 'Nhà văn hóa thôn (ảnh tháng 12)');
    assert.equal((await storedImage(pb, photoSha))?.sha256, photoSha, 'the image is kept');

    // --- the printed report can add a photo appendix (off by default): one captioned photo per model
    await pb.goto(server.base + '#/report');
    await ready(pb);
    assert.equal(await pb.getByTestId('report-appendix').count(), 0, 'off by default');
    await pb.getByTestId('photo-appendix').check();
    await pb.getByTestId('report-appendix').waitFor();
    await pb.waitForFunction(() => [...document.querySelectorAll('[data-testid=report-appendix] img')].some((i) => i.complete && i.naturalWidth > 0));
    assert.match(await pb.getByTestId('report-appendix').textContent(), /Nhà văn hóa thôn \(ảnh tháng 12\)/);
    // … and so does its Word document: the photo from the image store as a JPEG shrunk to 1000 px wide
    // (the stored one is 1600 on its long side), under the caption the page shows.
    const [docx] = await Promise.all([pb.waitForEvent('download', { timeout: 60_000 }), pb.getByTestId('download-docx').click()]);
    const parts = unzip(await readFile(await docx.path()));
    const jpegs = Object.entries(parts).filter(([n, b]) => n.startsWith('word/media/') && b[0] === 0xff && b[1] === 0xd8);
    assert.equal(jpegs.length, 1, `one photo: ${Object.keys(parts).join(', ')}`);
    const size = jpegSize(jpegs[0][1]);
    assert.equal(size.w, 1000, `shrunk to 1000 px wide: ${JSON.stringify(size)}`);
    const caption = (await pb.locator('[data-testid=report-appendix] figcaption').first().textContent()).trim();
    assert.ok(parts['word/document.xml'].toString('utf8').includes(`>${caption}<`), `the caption "${caption}" in the document`);

    // --- Settings shows the photos' use apart from the records'
    await pb.goto(server.base + '#/settings');
    await pb.getByTestId('storage-photos').waitFor();
    await pb.waitForFunction(() => /2 ảnh/.test(document.querySelector('[data-testid=storage-photos]').textContent));
    assert.deepEqual(pa.errors, []);
    assert.deepEqual(pb.errors, []);
  } finally {
    await a.close();
    await b.close();
  }
});

test('a file that is not a photo, or a damaged JPEG, is refused with a clear message and nothing is added', async () => {
  const ctx = await launch();
  try {
    const page = await newPage(ctx, PHONE);
    await page.goto(server.base + '#/models');
    await ready(page);
    await page.click('[data-testid=load-examples]');
    await page.click('[data-testid=model-item] a');
    await page.getByTestId('model-title').waitFor();
    const input = page.locator('[data-testid=model-evidence] [data-testid=photo-input]');
    await input.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a photo') });
    assert.match(await page.getByTestId('photo-error').textContent(), /không phải là ảnh/);
    await input.setInputFiles({ name: 'broken.jpg', mimeType: 'image/jpeg', buffer: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(500, 7)]) });
    await page.waitForFunction(() => /Không đọc được ảnh/.test(document.querySelector('[data-testid=photo-error]')?.textContent || ''));
    assert.equal(await page.locator('[data-testid=model-evidence] [data-testid=photo-thumb]').count(), 0);
    // a 40-megapixel photo is shrunk like any other (decoded at the size kept, not whole)
    const big = await page.evaluate(async () => {
      const c = new OffscreenCanvas(7300, 5480);
      const g = c.getContext('2d');
      g.fillStyle = '#2a6'; g.fillRect(0, 0, 7300, 5480); g.fillStyle = '#fff'; g.fillRect(1000, 1000, 3000, 2000);
      const bytes = new Uint8Array(await (await c.convertToBlob({ type: 'image/jpeg', quality: 0.8 })).arrayBuffer());
      let s = ''; for (const b of bytes) s += String.fromCharCode(b);
      return btoa(s);
    });
    await input.setInputFiles({ name: 'IMG_40MP.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(big, 'base64') });
    await page.locator('[data-testid=model-evidence] [data-testid=photo-thumb] img').waitFor({ timeout: 60_000 });
    const size = await page.evaluate(() => {
      const i = document.querySelector('[data-testid=model-evidence] [data-testid=photo-thumb] img');
      return [i.naturalWidth, i.naturalHeight];
    });
    assert.deepEqual(size, [1600, 1201]);
    // a file whose photos lie: base64 that is not base64, a SHA-256 that is not the data's
    await page.goto(server.base + '#/exchange');
    await ready(page);
    const model = { id: 'bad-photos', title: 'Mô hình có ảnh hỏng', field: 'economic', locality: { code: 20101, name: 'Xã A Lưới 4' },
      created_at: '2026-11-01T00:00:00Z', updated_at: '2026-11-01T00:00:00Z',
      photos: [{ id: 'p-junk', data: 'not base64!' }, { id: 'p-liar', sha256: '0'.repeat(64), data: big.slice(0, 4000) }] };
    const bad = JSON.stringify({ format: 'dvk-registry', version: 1, models: [model], plans: [] });
    await page.setInputFiles('[data-testid=import-file]', { name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(bad) });
    await page.getByTestId('import-errors').waitFor();
    const text = await page.getByTestId('import-errors').textContent();
    assert.match(text, /Ảnh “p-junk” của mô hình “Mô hình có ảnh hỏng”: dữ liệu không phải base64/);
    assert.match(text, /Ảnh “p-liar”.*(không khớp|không phải là ảnh)/);
    await confirmImport(page);
    await page.goto(server.base + '#/models/bad-photos');
    await page.getByTestId('model-title').waitFor();
    assert.equal(await page.locator('[data-testid=model-evidence] .photo-placeholder.missing').count(), 2, 'the record and its photo entries came in, without images');
    await page.goto(server.base + '#/models');
    await page.click('[data-testid=model-item] a');
    await page.getByTestId('model-title').waitFor();
    // a typed location that is not two numbers
    await page.locator('[data-testid=model-evidence] [data-testid=location-typed]').fill('A Lưới');
    await page.locator('[data-testid=model-evidence] [data-testid=location-typed]').press('Enter');
    assert.match(await page.getByTestId('location-error').textContent(), /Hãy nhập hai số/);
    assert.deepEqual(page.errors, []);
  } finally {
    await ctx.close();
  }
});
