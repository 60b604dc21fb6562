// The last step of the release build (public/post-build.mjs): a brotli (`X.br`) and a gzip (`X.gz`) copy
// beside every text and wasm file, so a static server set to send precompressed files (nginx
// `brotli_static` / `gzip_static`, Caddy `file_server { precompressed br gzip }`, Apache, `make serve`)
// answers a phone with them at no cost per request. Brotli at quality 11 and gzip at level 9, the slowest
// and smallest, since they run once per build. A copy that is not at least 5% smaller than the file is
// not written (the server then sends the file itself). The service worker's list is written before this
// runs and leaves these copies out: the browser gets the decoded file, whichever copy travelled.
import { readdirSync, readFileSync, statSync, writeFileSync, utimesSync } from 'node:fs';
import { join, extname } from 'node:path';
import { brotliCompressSync, gzipSync, constants as Z } from 'node:zlib';

/** The kinds of file that compress: text and wasm (images and icons are compressed already). */
export const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.wasm', '.json', '.webmanifest', '.svg', '.txt', '.xml', '.map']);
/** A copy is kept only when it is at most this share of the file. */
const WORTH = 0.95;

/** The compressed copies of `buf`, by suffix (`.br`, `.gz`). */
export function compressions(buf) {
  return {
    '.br': brotliCompressSync(buf, { params: {
      [Z.BROTLI_PARAM_QUALITY]: 11,
      [Z.BROTLI_PARAM_SIZE_HINT]: buf.length,
      [Z.BROTLI_PARAM_MODE]: Z.BROTLI_MODE_GENERIC,
    } }),
    '.gz': gzipSync(buf, { level: 9 }),
  };
}

/** Writes the copies for every file under `dir`; returns what it wrote and skipped. */
export function precompress(dir) {
  const written = [];
  const skipped = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const s = statSync(p);
      if (s.isDirectory()) { walk(p); continue; }
      if (!COMPRESSIBLE.has(extname(name))) continue;
      const buf = readFileSync(p);
      for (const [suffix, out] of Object.entries(compressions(buf))) {
        if (out.length > buf.length * WORTH) { skipped.push(p + suffix); continue; }
        writeFileSync(p + suffix, out);
        // The copy carries the file's own date, so Last-Modified is the same whichever is sent.
        utimesSync(p + suffix, s.atime, s.mtime);
        written.push([p + suffix, out.length]);
      }
    }
  };
  walk(dir);
  return { written, skipped };
}
