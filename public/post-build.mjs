// Trunk post_build hook. 0) Splits the wasm (public/split.mjs). 1) Makes the wasm's fetch wait for the first
// visit's first paint (public/wasm-start.mjs) and puts a Content-Security-Policy <meta> into index.html that allows only the
// app's own files: scripts from 'self', WebAssembly compilation, and Trunk's inline loader by its hash
// (which changes every build, so it is computed here), and connections for sync (public/csp.mjs). 2) Writes sw.js into the staging dir. The worker precaches exactly this build's
// files (their names carry content hashes) under a cache named after a hash of that list, deletes every
// other cache on activate, and answers from the cache first, so the app loads with no network. A new
// deployment has new names, hence a new cache; the page asks the officer to reload (see ui/platform.rs).
// 3) Last, a brotli and a gzip copy beside every text and wasm file (public/precompress.mjs), which the
// worker's list leaves out.
import { readdirSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createHash } from 'node:crypto';
import { split } from './split.mjs';
import { withCsp } from './csp.mjs';
import { precompress } from './precompress.mjs';
import { deferWasm } from './wasm-start.mjs';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) { console.error('TRUNK_STAGING_DIR is not set'); process.exit(1); }

// --- 0. the code split (public/split.mjs): the main module and the chunks fetched on first use
await split(dir, process.env.TRUNK_SOURCE_DIR || process.cwd());

// --- 1. Content-Security-Policy (public/csp.mjs; DVK_SYNC_ORIGIN fixes the one sync server it may reach)
const indexPath = join(dir, 'index.html');
// (first, when the wasm is fetched: public/wasm-start.mjs; the CSP then hashes the loader as changed)
const page = deferWasm(readFileSync(indexPath, 'utf8'));
const csp = withCsp(page, process.env.DVK_SYNC_ORIGIN);
writeFileSync(indexPath, csp.html);
console.log(`CSP: ${csp.hashes.length} inline script hash(es); ${csp.policy.match(/connect-src [^;]*/)[0]}`);

// --- 2. service worker
const files = [];
const walk = (d) => {
  for (const name of readdirSync(d)) {
    const p = join(d, name);
    if (statSync(p).isDirectory()) walk(p);
    // (.br/.gz: copies of a listed file, for the server; a rerun on the same folder must not list them)
    else if (name !== 'sw.js' && !/\.(br|gz)$/.test(name)) files.push(relative(dir, p).split('\\').join('/'));
  }
};
walk(dir);
files.sort();
const hash = createHash('sha256');
for (const f of files) hash.update(f).update(readFileSync(join(dir, f)));
const version = hash.digest('hex').slice(0, 16);
const template = readFileSync(new URL('./sw-template.js', import.meta.url), 'utf8');
const assets = ['./', ...files.map((f) => './' + f)];
const out = template
  .replace('__VERSION__', JSON.stringify(version))
  .replace('__ASSETS__', JSON.stringify(assets));
writeFileSync(join(dir, 'sw.js'), out);
console.log(`sw.js: ${assets.length} files, cache dvk-${version}`);

// --- 3. precompressed copies, for servers that send them (public/precompress.mjs); last, so sw.js has them
const { written, skipped } = precompress(dir);
const brotli = written.filter(([f]) => f.endsWith('.br')).reduce((n, [, b]) => n + b, 0);
console.log(`precompressed: ${written.length} copies (brotli ${(brotli / 1024).toFixed(1)} KB in all), ${skipped.length} skipped (not smaller)`);
