// What the release wasm is made of, by crate / function family, raw and brotli (see BENCHMARKS.md).
//
//   node tests/bench/wasm-size.mjs [--wasm FILE] [--top N]
//
// Without --wasm it builds the app's wasm with symbol names kept (release profile otherwise as shipped)
// into target/bench-size, runs wasm-bindgen and wasm-opt -Oz -g (the shipped flags plus -g, which keeps the
// name section), then reads the module itself: each function body is grouped by its (demangled) name, each
// data segment by its content; each group is brotli-compressed on its own, so the groups add up to about the
// size of the compressed module. Needs wasm-bindgen and wasm-opt on PATH (`make tools`); twiggy is optional
// (`cargo install twiggy`) and, when present, its top list is printed too.
import { execFileSync } from 'node:child_process';
import { readFileSync, mkdirSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync, constants as Z } from 'node:zlib';
import { family } from './lib.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : dflt; };
const br = (b) => brotliCompressSync(b, { params: { [Z.BROTLI_PARAM_QUALITY]: 11, [Z.BROTLI_PARAM_SIZE_HINT]: b.length } }).length;
const WASM_OPT_FEATURES = ['--enable-bulk-memory', '--enable-bulk-memory-opt', '--enable-nontrapping-float-to-int',
  '--enable-sign-ext', '--enable-mutable-globals', '--enable-reference-types', '--enable-multivalue'];

function build() {
  const out = join(ROOT, 'target', 'bench-size');
  mkdirSync(out, { recursive: true });
  // The release build's own settings (std compiled for size, immediate-abort panics): `make -s wasm-release-env`.
  const release = Object.fromEntries(execFileSync('make', ['-s', 'wasm-release-env'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  const env = { ...process.env, ...release, CARGO_TARGET_DIR: out, CARGO_PROFILE_RELEASE_STRIP: 'false', CARGO_PROFILE_RELEASE_DEBUG: 'false' };
  const run = (cmd, a, e = process.env) => execFileSync(cmd, a, { cwd: ROOT, env: e, stdio: ['ignore', 'inherit', 'inherit'] });
  run('cargo', ['build', '--release', '--locked', '--target', 'wasm32-unknown-unknown', '--bin', 'dvk-registry'], env);
  const raw = join(out, 'wasm32-unknown-unknown', 'release', 'dvk-registry.wasm');
  run('wasm-bindgen', ['--target', 'web', '--no-typescript', '--out-dir', join(out, 'bindgen'), raw]);
  const named = join(out, 'dvk-registry.named.wasm');
  run('wasm-opt', ['-Oz', ...WASM_OPT_FEATURES, '-g', join(out, 'bindgen', 'dvk-registry_bg.wasm'), '-o', named]);
  return named;
}

// ---------------------------------------------------------------------------------------------- reading

function parse(buf) {
  let i = 8;
  const leb = () => { let r = 0, s = 0, x; do { x = buf[i++]; r += (x & 0x7f) * 2 ** s; s += 7; } while (x & 0x80); return r; };
  const str = () => { const n = leb(); const s = buf.subarray(i, i + n).toString('utf8'); i += n; return s; };
  let imported = 0; const funcs = []; const datas = []; const names = new Map(); const dataNames = new Map();
  let nameSection = 0;
  while (i < buf.length) {
    const id = buf[i++]; const size = leb(); const end = i + size;
    if (id === 2) {
      for (let n = leb(); n > 0; n--) {
        str(); str(); const kind = buf[i++];
        if (kind === 0) { leb(); imported++; }
        else if (kind === 1) { i++; const fl = leb(); leb(); if (fl & 1) leb(); }
        else if (kind === 2) { const fl = leb(); leb(); if (fl & 1) leb(); }
        else if (kind === 3) i += 2;
        else if (kind === 4) { i++; leb(); }
      }
    } else if (id === 10) {
      for (let n = leb(), k = 0; k < n; k++) { const sz = leb(); funcs.push(buf.subarray(i, i + sz)); i += sz; }
    } else if (id === 11) {
      for (let n = leb(), k = 0; k < n; k++) {
        const flag = leb();
        if (flag === 0) { i++; leb(); i++; } else if (flag === 2) { leb(); i++; leb(); i++; }
        const ln = leb(); datas.push({ at: i, bytes: buf.subarray(i, i + ln) }); i += ln;
      }
    } else if (id === 0) {
      const name = str();
      if (name === 'name') {
        nameSection = size;
        while (i < end) {
          const sub = buf[i++]; const sz = leb(); const subEnd = i + sz;
          if (sub === 1 || sub === 9) {
            const map = sub === 1 ? names : dataNames;
            for (let n = leb(); n > 0; n--) { const idx = leb(); map.set(idx, str()); }
          }
          i = subEnd;
        }
      }
    }
    i = end;
  }
  return { funcs, datas, imported, names, dataNames, nameSection };
}

// ---------------------------------------------------------------------------------------------- grouping


const LOCALITY_FILES = ['hue-localities-2025-07.json', 'hue-localities-2025-01.json', 'hue-successors-2025-01-to-2025-07.json']
  .map((f) => readFileSync(join(ROOT, 'src', 'domain', 'data', f)));

/** unicode-normalization's tables (from its src/tables.rs, found with `cargo metadata`), as laid out in the
 * module: [name, bytes]. */
function unicodeTables() {
  try {
    const meta = JSON.parse(execFileSync('cargo', ['metadata', '--format-version', '1', '--locked', '--offline'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28 }));
    const pkg = meta.packages.find((p) => p.name === 'unicode-normalization');
    const src = readFileSync(join(dirname(pkg.manifest_path), 'src', 'tables.rs'), 'utf8');
    const out = [];
    for (const m of src.matchAll(/pub\(crate\) const (\w+): &\[([^\]]+)\] = &\[([\s\S]*?)\n\];/g)) {
      const [, name, ty, body] = m;
      const nums = (re) => [...body.matchAll(re)].map((x) => parseInt(x[1], 16));
      const words = [];
      if (ty === 'u16') for (const v of [...body.matchAll(/\b(0x[0-9A-Fa-f]+|\d+)\b/g)].map((x) => Number(x[1]))) words.push([v, 2]);
      else if (ty === 'u32') for (const v of nums(/0x([0-9A-Fa-f]+)/g)) words.push([v, 4]);
      else if (ty === 'char') for (const v of nums(/'\\u\{([0-9A-Fa-f]+)\}'/g)) words.push([v, 4]);
      else if (ty === '(u32, char)') for (const e of body.matchAll(/\(0x([0-9A-Fa-f]+), '\\u\{([0-9A-Fa-f]+)\}'\)/g)) words.push([parseInt(e[1], 16), 4], [parseInt(e[2], 16), 4]);
      else if (ty === '(u32, (u16, u16))') for (const e of body.matchAll(/\(0x([0-9A-Fa-f]+), \((0x[0-9A-Fa-f]+|\d+), (0x[0-9A-Fa-f]+|\d+)\)\)/g)) words.push([parseInt(e[1], 16), 4], [Number(e[2]), 2], [Number(e[3]), 2]);
      else continue;
      if (!words.length) continue;
      const b = Buffer.alloc(words.reduce((n, [, w]) => n + w, 0));
      let o = 0;
      for (const [v, w] of words) { if (w === 2) b.writeUInt16LE(v, o); else b.writeUInt32LE(v, o); o += w; }
      out.push([name, b]);
    }
    return out;
  } catch (e) {
    console.error(`(unicode-normalization tables not identified: ${e.message})`);
    return [];
  }
}

function groups(buf) {
  const m = parse(buf);
  const g = new Map();
  const add = (k, b) => { const e = g.get(k) || { raw: 0, parts: [] }; e.raw += b.length; e.parts.push(b); g.set(k, e); };
  m.funcs.forEach((body, k) => add(family(m.names.get(m.imported + k) || `code[${k}]`), body));

  // cut the known blobs out of the data segments: the locality JSON and unicode-normalization's tables
  const cut = [];
  for (const js of LOCALITY_FILES) { const at = buf.indexOf(js); if (at >= 0) cut.push([at, js.length, 'data: the embedded locality JSON (src/domain/data)']); }
  const found = [];
  for (const [name, t] of unicodeTables()) {
    const at = buf.indexOf(t.subarray(0, Math.min(t.length, 32)));
    if (at >= 0 && buf.subarray(at, at + t.length).equals(t)) { cut.push([at, t.length, 'data: unicode-normalization tables']); found.push(`${name} ${t.length}`); }
  }
  for (const { at, bytes } of m.datas) {
    let pos = at;
    for (const [c, len, label] of cut.filter(([c]) => c >= at && c < at + bytes.length).sort((a, b) => a[0] - b[0])) {
      if (c > pos) add('data: other (UI and message strings, panic locations, float tables)', buf.subarray(pos, c));
      add(label, buf.subarray(c, c + len));
      pos = c + len;
    }
    if (pos < at + bytes.length) add('data: other (UI and message strings, panic locations, float tables)', buf.subarray(pos, at + bytes.length));
  }
  if (found.length) console.error(`unicode-normalization tables in the module: ${found.join(', ')}`);
  return { groups: [...g].map(([k, e]) => ({ family: k, raw: e.raw, brotli: br(Buffer.concat(e.parts)) })).sort((a, b) => b.brotli - a.brotli), nameSection: m.nameSection };
}

// ---------------------------------------------------------------------------------------------- report

const file = opt('wasm') || build();
const buf = readFileSync(file);
const { groups: rows, nameSection } = groups(buf);
const total = rows.reduce((t, r) => ({ raw: t.raw + r.raw, brotli: t.brotli + r.brotli }), { raw: 0, brotli: 0 });
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`\n${file}: ${kb(buf.length)} with names (${kb(nameSection)} of names); without names about ${kb(buf.length - nameSection)}, gzip/brotli of the whole module below are per group\n`);
console.log('| Family | Raw | Brotli (alone) | Share of brotli |');
console.log('|---|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.family} | ${kb(r.raw)} | ${kb(r.brotli)} | ${(100 * r.brotli / total.brotli).toFixed(1)}% |`);
console.log(`| total | ${kb(total.raw)} | ${kb(total.brotli)} | |`);
if (!opt('wasm')) {
  const stripped = join(dirname(file), 'dvk-registry.stripped.wasm');
  execFileSync('wasm-opt', ['-Oz', ...WASM_OPT_FEATURES, join(dirname(file), 'bindgen', 'dvk-registry_bg.wasm'), '-o', stripped]);
  const s = readFileSync(stripped);
  console.log(`\nas shipped (no names): ${kb(s.length)} raw, ${kb(gzipSync(s, { level: 9 }).length)} gzip, ${kb(br(s))} brotli`);
}
const twiggy = (() => { try { execFileSync('twiggy', ['--version'], { stdio: 'ignore' }); return true; } catch { return false; } })();
if (twiggy) {
  console.log(`\ntwiggy top -n ${opt('top', 25)}:`);
  console.log(execFileSync('twiggy', ['top', '-n', String(opt('top', 25)), file], { encoding: 'utf8', maxBuffer: 1 << 26 }));
}
