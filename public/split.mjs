// The code-splitting step of the release build, run by public/post-build.mjs (a Trunk post_build hook):
// Trunk 0.21 has no split step of its own (trunk-rs/trunk#1022), so this replaces the module Trunk made.
//
// The functions marked `#[wasm_split(chunk, …)]` (src/ui/split.rs: every page but the dashboard and the
// list; next to their callers: the Excel writer, the sample data) leave the main module for chunks
// fetched on first use:
//   1. wasm-split-cli cuts cargo's own output (linked with `--emit-relocs`, see the Makefile's
//      WASM_RUSTFLAGS) into the main module, one module per chunk and `__wasm_split.js`, their loader;
//   2. wasm-bindgen (`--keep-lld-exports`, which the chunks link against) makes the JS glue of the main
//      module under the name Trunk gave it, so Trunk's loader in index.html is unchanged;
//   3. wasm-opt (the flags of index.html's `data-wasm-opt-params`, at -Oz) shrinks every module;
//   4. each chunk gets a content hash in its name (the loader's literal rewritten to it), so a browser or
//      a proxy never pairs a new main module with an old chunk; then the files replace Trunk's in the
//      staging dir and index.html's integrity hashes are made again.
// The service worker written after this (post-build.mjs) precaches every file, so the chunks too.
import { execFile, execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const run = (cmd, args) => execFileSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
const sha = (alg, buf) => createHash(alg).update(buf).digest();

/** Splits the app in `staging` (Trunk's staging dir); `source` is the project (Trunk's source dir). */
export async function split(staging, source) {
  const profile = process.env.TRUNK_PROFILE === 'debug' ? 'debug' : 'release';
  const targetDir = process.env.CARGO_TARGET_DIR || join(source, 'target');
  const input = join(targetDir, 'wasm32-unknown-unknown', profile, 'dvk-registry.wasm');
  const bg = readdirSync(staging).find((f) => f.endsWith('_bg.wasm'));
  if (!bg) throw new Error(`split: no *_bg.wasm in ${staging}`);
  const name = bg.slice(0, -'_bg.wasm'.length);
  if (!existsSync(input)) throw new Error(`split: ${input} not found`);
  // DVK_WASM_NAMES=1 (tests/bench/profile.mjs): wasm-opt keeps the name section, so a CPU profile names
  // Rust functions; the modules are otherwise the shipped ones.
  const optParams = [...wasmOptParams(source), ...(process.env.DVK_WASM_NAMES === '1' ? ['-g'] : [])];

  const work = join(targetDir, 'wasm-split');
  rmSync(work, { recursive: true, force: true });
  const cut = join(work, 'split');
  const glue = join(work, 'bindgen');
  mkdirSync(cut, { recursive: true });
  mkdirSync(glue, { recursive: true });

  // 1. cut
  run('wasm-split-cli', ['--target', 'web', '--out-name', name, input, cut]);
  const mainIn = join(cut, `${name}.wasm`);
  if (!existsSync(mainIn)) throw new Error(`split: wasm-split-cli wrote no ${name}.wasm (${readdirSync(cut).join(', ')})`);
  // 2. glue for the main module
  run('wasm-bindgen', ['--target', 'web', '--keep-lld-exports', '--no-demangle', '--no-typescript',
    '--out-dir', glue, '--out-name', name, mainIn]);
  // 3. wasm-opt, every module, as many at once as there are cores (npm's wasm-opt takes seconds to start)
  const chunks = readdirSync(cut).filter((f) => f.endsWith('.wasm') && f !== `${name}.wasm`);
  const queue = [join(glue, `${name}_bg.wasm`), ...chunks.map((c) => join(cut, c))];
  const exec = promisify(execFile);
  const worker = async () => {
    for (let file = queue.shift(); file; file = queue.shift()) await exec('wasm-opt', ['-Oz', ...optParams, file, '-o', file]);
  };
  await Promise.all(Array.from({ length: Math.max(1, availableParallelism()) }, worker));

  // 4. hashed chunk names, then into the staging dir
  const loaderPath = join(cut, '__wasm_split.js');
  let loader = readFileSync(loaderPath, 'utf8');
  for (const c of chunks) {
    const stem = c.slice(0, -'.wasm'.length);
    const hashed = `${stem}-${sha('sha256', readFileSync(join(cut, c))).toString('hex').slice(0, 16)}.wasm`;
    const literal = `"./${c}"`;
    if (!loader.includes(literal)) throw new Error(`split: ${literal} not in __wasm_split.js`);
    loader = loader.split(literal).join(`"./${hashed}"`);
    renameSync(join(cut, c), join(staging, hashed));
  }
  writeFileSync(join(staging, '__wasm_split.js'), loader);
  copyDir(glue, staging);

  // index.html's integrity hashes of the files replaced
  const indexPath = join(staging, 'index.html');
  let html = readFileSync(indexPath, 'utf8');
  html = html.replace(/(href="\.\/([^"]+)"[^>]*?integrity=")sha384-[^"]+"/g, (all, head, file) => {
    const p = join(staging, file);
    return existsSync(p) ? `${head}sha384-${sha('sha384', readFileSync(p)).toString('base64')}"` : all;
  });
  writeFileSync(indexPath, html);
  const size = (f) => statSync(join(staging, f)).size;
  console.log(`split: main ${(size(bg) / 1024).toFixed(1)} KB, ${chunks.length} chunks`);
}

/** The wasm-opt feature flags given to Trunk in index.html (`data-wasm-opt-params`). */
function wasmOptParams(source) {
  const html = readFileSync(join(source, 'index.html'), 'utf8');
  const m = html.match(/data-wasm-opt-params="([^"]*)"/);
  return m ? m[1].split(/\s+/).filter(Boolean) : [];
}

function copyDir(from, to) {
  for (const f of readdirSync(from)) {
    const src = join(from, f);
    const dst = join(to, f);
    if (statSync(src).isDirectory()) {
      mkdirSync(dst, { recursive: true });
      copyDir(src, dst);
    } else {
      copyFileSync(src, dst);
    }
  }
}

