// Phone to phone with no network (issue #17). The sending page's QR codes are captured and written as a
// video (y4m), which a second browser profile plays as its camera (Chromium's fake capture device); that
// profile, with the server gone (offline: the app and its QR reader come from the service worker's
// cache), reads the codes with jsQR (headless Linux Chromium has no BarcodeDetector) and reaches the
// import preview with the same records, then imports them. A profile with no camera gets a clear message.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { serve, launch, shot } from './harness.mjs';
import { App, SendPage, ExchangePage, eventually, textOf } from './pages.mjs';
import { luma, writeY4m } from './qr_video.mjs';

let server;
let work;
before(async () => {
  server = await serve();
  work = await mkdtemp(join(tmpdir(), 'dvk-transfer-'));
});
after(async () => {
  await server?.close();
  await rm(work, { recursive: true, force: true });
});

const COMMUNE = 20101; // Xã A Lưới 4
const N = 14;

/** An exchange file of N models in one commune, each with an evaluation. */
function commune() {
  const at = '2026-11-01T08:00:00Z';
  const models = Array.from({ length: N }, (_, i) => ({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    title: `Mô hình chuyển qua mã QR số ${i + 1}`,
    field: 'economic',
    locality: { code: COMMUNE, name: 'Xã A Lưới 4', village: `Thôn ${i % 5 + 1}` },
    status: 'active',
    participants: 10 + i,
    description: `Tổ hợp tác nuôi ong lấy mật của ${10 + i} hộ đồng bào Tà Ôi, hỗ trợ giống và kỹ thuật.`,
    evaluations: [{ id: `e-${i}`, date: '2026-10-20', by: 'Tổ công tác', rating: 'effective', notes: 'Đã đi cơ sở.' }],
    created_at: at, updated_at: at, updated_by: 'sender-device',
  }));
  return JSON.stringify({ format: 'dvk-registry', version: 1, exported_at: at, models, plans: [] });
}

test('records pass from one profile to another through animated QR codes and a fake camera, offline', { timeout: 240_000 }, async () => {
  // --- the sender: a commune's models, the loop of codes captured
  const sending = await launch();
  let lumas;
  let summary;
  try {
    const app = await App.open(sending, server.base);
    await app.resetStorage('#/exchange');
    const exchange = new ExchangePage(app.page);
    assert.equal((await exchange.importText('commune.json', commune())).new, N);
    await app.goto('#/send');
    const send = new SendPage(app.page);
    await send.waitFor();
    await send.chooseCommune(COMMUNE);
    summary = await textOf(send.summary);
    assert.match(summary, new RegExp(`^${N} `), summary);
    await shot(app.page, 'transfer-send-choose-360');
    await send.start();
    const fragments = await send.fragments();
    assert.ok(fragments > 3, `${fragments} fragments`);
    await shot(app.page, 'transfer-send-360');
    // Every code of two loops' worth (the first `fragments` are the plain fragments, then mixed ones).
    const srcs = await send.captureFrames(2 * fragments + 4);
    lumas = [];
    for (const s of srcs) lumas.push(await luma(app.page, s));
    await send.stop();
  } finally {
    await sending.close();
  }
  const video = join(work, 'codes.y4m');
  await writeY4m(video, lumas);

  // --- the receiver: its camera plays the video; the server is gone once the app is installed
  const receiving = await launch({ permissions: ['camera'] }, [
    '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video}`,
  ]);
  try {
    const app = await App.open(receiving, server.base);
    await app.resetStorage('#/exchange');
    await app.settle();
    await server.goDark();
    const exchange = new ExchangePage(app.page);
    await exchange.receive.start();
    await eventually(async () => assert.match(await textOf(exchange.receive.progress), /\d+%/), 30_000);
    await shot(app.page, 'transfer-receive-360');
    await exchange.preview.waitFor({ state: 'visible', timeout: 150_000 });
    assert.equal(await exchange.previewCount('new'), N, 'the same records reach the preview');
    assert.ok(await exchange.receive.ended.isVisible(), 'it stopped by itself and says so');
    assert.equal(await exchange.receive.video.evaluate((v) => v.srcObject), null, 'the camera is off');
    await shot(app.page, 'transfer-received-360');
    await exchange.confirm();
    const titles = await app.page.evaluate(() => Object.keys(localStorage).length);
    assert.ok(titles > 0);
    await app.goto('#/models');
    await eventually(async () => assert.equal(await app.models.items.count(), N));
    assert.deepEqual(app.page.errors, []);
  } finally {
    await receiving.close();
    await server.goLight();
  }
});

test('with no camera the receive screen says so and imports nothing', { timeout: 60_000 }, async () => {
  const context = await launch();
  try {
    const app = await App.open(context, server.base);
    await app.resetStorage('#/exchange');
    const exchange = new ExchangePage(app.page);
    await exchange.receive.start();
    await exchange.receive.ended.waitFor({ state: 'visible', timeout: 20_000 });
    const text = await textOf(exchange.receive.ended);
    assert.ok(/máy ảnh/.test(text), text);
    assert.equal(await exchange.preview.count(), 0);
    await shot(app.page, 'transfer-no-camera-360');
  } finally {
    await context.close();
  }
});
