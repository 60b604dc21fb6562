// QR codes as a camera sees them, for Chromium's fake capture device (--use-file-for-fake-video-capture):
// a code's image drawn on a white picture in a page, its luma plane taken, and the pictures written as a
// y4m video (grey: chroma planes at 128). Used by transfer.test.mjs and the benchmark (tests/bench/run.mjs).
import { createWriteStream } from 'node:fs';

export const W = 640, H = 480;

/** The QR image `src` drawn centred on a white 640×480 picture: its luma plane (base64). */
export async function luma(page, src) {
  return page.evaluate(async ({ src, W, H }) => {
    const img = new Image();
    img.src = src;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = W; c.height = H;
    const g = c.getContext('2d');
    g.fillStyle = '#fff';
    g.fillRect(0, 0, W, H);
    g.imageSmoothingEnabled = false;
    const side = 440;
    g.drawImage(img, (W - side) / 2, (H - side) / 2, side, side);
    const d = g.getImageData(0, 0, W, H).data;
    const y = new Uint8Array(W * H);
    for (let i = 0; i < W * H; i++) y[i] = Math.round(0.299 * d[4 * i] + 0.587 * d[4 * i + 1] + 0.114 * d[4 * i + 2]);
    let s = '';
    for (let i = 0; i < y.length; i += 0x8000) s += String.fromCharCode(...y.subarray(i, i + 0x8000));
    return btoa(s);
  }, { src, W, H });
}

/** Writes the pictures as a y4m video, each shown `repeat` times at 10 frames a second (5 codes a second). */
export async function writeY4m(file, lumas, repeat = 2) {
  const out = createWriteStream(file);
  const chroma = Buffer.alloc((W / 2) * (H / 2) * 2, 128);
  const write = (b) => new Promise((r) => (out.write(b) ? r() : out.once('drain', r)));
  await write(`YUV4MPEG2 W${W} H${H} F10:1 Ip A1:1 C420jpeg\n`);
  for (const l of lumas) {
    const y = Buffer.from(l, 'base64');
    for (let k = 0; k < repeat; k++) {
      await write('FRAME\n');
      await write(y);
      await write(chroma);
    }
  }
  await new Promise((r) => out.end(r));
}

