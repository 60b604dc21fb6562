// Where the texts of the chunks' own catalogues land in the build (dist/, or DVK_DIST): every Vietnamese
// text of `PageMsg` (src/i18n/pages.rs), `ShareMsg` (share.rs), `SyncMsg` (sync.rs) and `ChunkMsg`
// (chunks.rs, the texts several chunks share) is in a chunk fetched on first use and none is in the main
// module, so a call from the main module's code (the shell,
// the dashboard, the list) that pulls a chunk's catalogue back into the first load is caught. Builds
// nothing, starts no browser: it reads the .wasm files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIST } from './harness.mjs';

const src = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'i18n');

/** The Vietnamese texts of a catalogue file, by key (`Key => "vi", "en";`). */
function texts(file) {
  const out = [];
  for (const m of readFileSync(join(src, file), 'utf8').matchAll(/^\s+(\w+) => "((?:[^"\\]|\\.)*)", "(?:[^"\\]|\\.)*";$/gm)) {
    out.push([m[1], m[2].replace(/\\n/g, '\n').replace(/\\"/g, '"')]);
  }
  return out;
}

test("the chunks' catalogues travel with their chunks, not in the first load", () => {
  const wasm = readdirSync(DIST).filter((f) => f.endsWith('.wasm'));
  const mainFile = wasm.find((f) => f.endsWith('_bg.wasm'));
  assert.ok(mainFile, `a main module in ${DIST}`);
  const main = readFileSync(join(DIST, mainFile));
  const chunks = wasm.filter((f) => f !== mainFile).map((f) => readFileSync(join(DIST, f)));
  // A chunk's text that is also part of a main-module text ("Chọn xã, phường" in "Chọn xã, phường để…")
  // is found in the main module for that reason: such texts, and very short ones, tell nothing.
  const mainTexts = texts('messages.rs').map(([, vi]) => vi);
  // The least number of messages each file has (so a file the pattern no longer reads is noticed).
  const least = { 'pages.rs': 50, 'share.rs': 50, 'sync.rs': 50, 'chunks.rs': 30 };
  for (const [file, min] of Object.entries(least)) {
    const all = texts(file);
    assert.ok(all.length > min, `${file}: its messages are read (${all.length})`);
    const telling = all.filter(([, vi]) => Buffer.byteLength(vi) >= 12 && !mainTexts.some((t) => t.includes(vi)));
    assert.ok(telling.length > all.length * 0.75, `${file}: most texts are checked (${telling.length} of ${all.length})`);
    const inMain = telling.filter(([, vi]) => main.includes(Buffer.from(vi))).map(([k]) => k);
    assert.deepEqual(inMain, [], `${file}: texts in the main module ${mainFile}`);
    const nowhere = telling.filter(([, vi]) => !chunks.some((c) => c.includes(Buffer.from(vi)))).map(([k]) => k);
    assert.deepEqual(nowhere, [], `${file}: texts in no chunk`);
  }
});
