// The Content-Security-Policy that post-build.mjs puts into index.html (public/csp.mjs), run on a sample
// page: connect-src allows https: and loopback for sync, or only the origin fixed by DVK_SYNC_ORIGIN; every
// other directive stays as strict as before. Builds nothing; the last test loads the policy in Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { chromium } from 'playwright-core';
import { withCsp, contentSecurityPolicy } from '../../public/csp.mjs';

const LOADER = "import init from './dvk-registry-1a2b.js'; init('./dvk-registry-1a2b_bg.wasm');";
const SAMPLE = `<!DOCTYPE html>
<html lang="vi">
<head>
  <meta charset="utf-8">
  <title>DVK</title>
  <script type="module">${LOADER}</script>
  <script src="./jsQR.js"></script>
</head>
<body></body>
</html>
`;

/** The <meta> policy of `html` as { directive: [sources] }. */
function parse(html) {
  const m = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/);
  assert.ok(m, 'the page has a CSP <meta>');
  return Object.fromEntries(m[1].split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
}

const hash = `'sha256-${createHash('sha256').update(LOADER, 'utf8').digest('base64')}'`;
// Everything but connect-src, exactly as it was before sync.
const FIXED = {
  'default-src': ["'self'"],
  'script-src': ["'self'", "'wasm-unsafe-eval'", hash],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'worker-src': ["'self'"],
  'manifest-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'none'"],
};

function others(policy) {
  const { 'connect-src': _, ...rest } = policy;
  return rest;
}

test('without DVK_SYNC_ORIGIN, connect-src allows the app, any https: server and loopback; nothing else widens', () => {
  const { html, hashes } = withCsp(SAMPLE, undefined);
  assert.deepEqual(hashes, [hash], 'the one inline script, by its hash');
  const p = parse(html);
  assert.deepEqual(p['connect-src'], ["'self'", 'https:', 'http://127.0.0.1:*', 'http://localhost:*']);
  assert.deepEqual(others(p), FIXED);
  assert.ok(!Object.values(p).flat().includes('*') && !Object.values(p).flat().includes('http:'), 'no wildcard, no plain http:');
  assert.equal(withCsp(SAMPLE, '').policy, withCsp(SAMPLE, undefined).policy, 'an empty value is the same as none');
});

test('with DVK_SYNC_ORIGIN, connect-src allows the app and that origin only', () => {
  const p = parse(withCsp(SAMPLE, 'https://dvk.hue.gov.vn').html);
  assert.deepEqual(p['connect-src'], ["'self'", 'https://dvk.hue.gov.vn']);
  assert.deepEqual(others(p), FIXED);
  assert.deepEqual(parse(withCsp(SAMPLE, 'https://couch.hue.gov.vn:6984/').html)['connect-src'], ["'self'", 'https://couch.hue.gov.vn:6984'], 'a trailing slash is dropped');
  assert.deepEqual(parse(withCsp(SAMPLE, 'self').html)['connect-src'], ["'self'"], 'a server behind the app\'s own origin');
});

test('a DVK_SYNC_ORIGIN that is not an origin fails the build with a message', () => {
  for (const bad of ['dvk.hue.gov.vn', 'https://dvk.hue.gov.vn/couchdb', 'ftp://dvk.hue.gov.vn', "https://x 'unsafe-eval'", 'https:']) {
    assert.throws(() => contentSecurityPolicy(SAMPLE, bad), /DVK_SYNC_ORIGIN must be an origin/, bad);
  }
});

test('the policy goes in once, right after the charset', () => {
  const once = withCsp(SAMPLE).html;
  assert.match(once, /<meta charset="utf-8">\n {2}<meta http-equiv="Content-Security-Policy" content="default-src 'self'; /);
  assert.equal(withCsp(once).html, once, 'a page that has one is left alone');
  assert.equal(once.match(/Content-Security-Policy/g).length, 1);
});

test('in Chromium, the default policy lets a page reach a server on another loopback port; a fixed origin blocks it', async () => {
  // The "server": answers anything, to any origin.
  const api = createServer((req, res) => { res.writeHead(200, { 'access-control-allow-origin': '*', 'content-type': 'text/plain' }); res.end('ok'); });
  await new Promise((r) => api.listen(0, '127.0.0.1', r));
  const apiUrl = `http://127.0.0.1:${api.address().port}/db`;
  const pages = { '/open': withCsp(SAMPLE).html, '/locked': withCsp(SAMPLE, 'https://dvk.hue.gov.vn').html };
  const site = createServer((req, res) => { res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }); res.end(pages[req.url] ?? ''); });
  await new Promise((r) => site.listen(0, '127.0.0.1', r));
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const tab = await browser.newPage();
    const attempt = async (path) => {
      await tab.goto(`http://127.0.0.1:${site.address().port}${path}`);
      return tab.evaluate(async (url) => {
        let violated = null;
        document.addEventListener('securitypolicyviolation', (e) => { violated = e.violatedDirective; });
        try {
          const r = await fetch(url);
          return { text: await r.text() };
        } catch (e) {
          await new Promise((r) => setTimeout(r, 50));
          return { error: e.name, violated };
        }
      }, apiUrl);
    };
    assert.deepEqual(await attempt('/open'), { text: 'ok' });
    assert.deepEqual(await attempt('/locked'), { error: 'TypeError', violated: 'connect-src' });
  } finally {
    await browser.close();
    api.close();
    site.close();
  }
});
