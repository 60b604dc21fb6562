// What tools/couchdb-setup.mjs gives a server, checked against a real one (pouchdb-server, via couch.mjs):
// the anonymous reads nothing, officers sign in with a cookie and write valid documents, the contract's
// validate_doc_update refuses each malformed document with its code, photos are immutable, a second run
// changes nothing, stale writes conflict, _changes pages, conflicts show, and CORS lets the app's origin in
// with credentials (a plain fetch, then Chromium itself). Also the harness's own tools (cut, expire, restore).
// Needs no build of the app.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startCouch, freePort } from './couch.mjs';

const SETUP = fileURLToPath(new URL('../../tools/couchdb-setup.mjs', import.meta.url));
const DB = 'dvk-test';

// The page origin the server allows, and one it does not: two loopback ports of our own.
let page, otherPage, couch;

function pageServer() {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><meta charset="utf-8"><title>origin</title><p>origin</p>');
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r({ server, origin: `http://127.0.0.1:${server.address().port}` })));
}

before(async () => {
  page = await pageServer();
  otherPage = await pageServer();
  couch = await startCouch({ origin: page.origin, db: DB });
});

after(async () => {
  await couch?.stop();
  page?.server.close();
  otherPage?.server.close();
});

// --- helpers -------------------------------------------------------------------------------------------

async function signIn(name, password) {
  const res = await fetch(`${couch.url}/_session`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password }),
  });
  const body = await res.json();
  const cookie = (res.headers.get('set-cookie') || '').split(';')[0];
  return { status: res.status, body, cookie };
}

/** A JSON request with a session cookie (or none). */
async function call(cookie, method, path, body) {
  const headers = { accept: 'application/json' };
  if (cookie) headers.cookie = cookie;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(couch.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { json = text; }
  return { status: res.status, json };
}

const officer = () => couch.users[0];
let lanCookie;
async function lan() {
  if (!lanCookie) {
    const s = await signIn(officer().name, officer().password);
    assert.equal(s.status, 200);
    lanCookie = s.cookie;
  }
  return lanCookie;
}

let n = 0;
const uuid = () => `0b6f3c2e-0000-4000-8000-${String(++n).padStart(12, '0')}`;

function model(over = {}) {
  const id = over.id ?? uuid();
  return {
    _id: `model:${id}`, type: 'model', written_by: 'lan', id, title: 'Mô hình nuôi bò sinh sản', field: 'economic',
    locality: { code: 20095, name: 'Xã A Roàng', village: 'A Ka' }, lead_organization: 'farmers_association',
    photos: [{ id: 'p1', taken_at: '2026-03-12T02:10:00Z', mime: 'image/jpeg', sha256: 'ab'.repeat(32) }],
    evaluations: [], milestones: [], created_at: '2026-05-02T01:00:00Z', updated_at: '2026-11-12T09:30:00.001Z',
    updated_by: '3f0c', deleted_at: null, a_field_from_a_newer_version: { kept: true }, ...over,
  };
}

function plan(over = {}) {
  const id = over.id ?? uuid();
  return {
    _id: `plan:${id}`, type: 'plan', written_by: 'lan', id, title: 'Kế hoạch năm 2026', period: { from: '2026-01-01', to: '2026-12-31' },
    targets: [], milestones: [], created_at: '2026-01-02T01:00:00Z', updated_at: '2026-01-02T01:00:00Z', updated_by: '3f0c', deleted_at: null, ...over,
  };
}

const JPEG = Buffer.from('ffd8ffe000104a46494600010100000100010000ffd9', 'hex');
function photo(bytes = JPEG, over = {}) {
  const sha = createHash('sha256').update(bytes).digest('hex');
  return {
    _id: `photo:${sha}`, type: 'photo', written_by: 'lan', sha256: sha, mime: 'image/jpeg',
    _attachments: { image: { content_type: 'image/jpeg', data: bytes.toString('base64') } }, ...over,
  };
}

/**
 * Writes `docs` with _bulk_docs as `cookie`; returns the per-document results in the order of `docs`,
 * matched by id: pouchdb-server puts the documents its validation refused first (CouchDB keeps the order).
 */
async function bulk(cookie, docs, extra = {}) {
  const r = await call(cookie, 'POST', `/${DB}/_bulk_docs`, { docs, ...extra });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  assert.ok(Array.isArray(r.json));
  assert.equal(r.json.length, docs.length);
  return docs.map((d) => {
    const res = r.json.filter((x) => x.id === d._id);
    assert.equal(res.length, 1, `one result for ${d._id}: ${JSON.stringify(r.json)}`);
    return res[0];
  });
}

/** A write refused as a whole (CouchDB: 401/403) or document by document (pouchdb-server: 201, each an error). */
function refusedWrite(r, docs) {
  if (r.status === 401 || r.status === 403) return;
  assert.equal(r.status, 201, `HTTP ${r.status} ${JSON.stringify(r.json)}`);
  assert.equal(r.json.length, docs.length);
  for (const x of r.json) assert.ok(['unauthorized', 'forbidden'].includes(x.error), JSON.stringify(x));
}

function runSetup(args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SETUP, ...args], { env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

const setupArgs = () => ['--url', couch.directUrl, '--admin', couch.admin.name, '--db', DB, '--origin', page.origin,
  ...couch.users.flatMap((u) => ['--user', `${u.name}:${u.password}`])];

// --- accounts ------------------------------------------------------------------------------------------

test('the anonymous gets 401 on the database and its documents', async () => {
  for (const path of [`/${DB}`, `/${DB}/_all_docs`, `/${DB}/_changes`]) {
    const r = await call(null, 'GET', path);
    assert.equal(r.status, 401, path);
    assert.equal(r.json.error, 'unauthorized', path);
  }
  const doc = model();
  refusedWrite(await call(null, 'POST', `/${DB}/_bulk_docs`, { docs: [doc] }), [doc]);
  assert.equal((await couch.adminJson('GET', `/${DB}/${encodeURIComponent(doc._id)}`)).status, 404);
});

test('an officer signs in with POST /_session and reads and writes a valid model on the cookie alone', async () => {
  const s = await signIn(officer().name, officer().password);
  assert.equal(s.status, 200);
  assert.deepEqual(s.body.roles, ['dvk_officer']);
  assert.match(s.cookie, /^AuthSession=.+/);
  const info = await call(s.cookie, 'GET', `/${DB}`);
  assert.equal(info.status, 200);
  assert.equal(info.json.db_name, DB);
  const doc = model();
  const [res] = await bulk(s.cookie, [doc]);
  assert.equal(res.ok, true, JSON.stringify(res));
  const back = await call(s.cookie, 'GET', `/${DB}/${encodeURIComponent(doc._id)}`);
  assert.equal(back.status, 200);
  const { _rev, ...body } = back.json;
  assert.equal(_rev, res.rev);
  assert.deepEqual(body, doc);
});

test('a wrong password gets 401, by cookie sign-in and by Basic auth', async () => {
  const s = await signIn(officer().name, 'not-the-password');
  assert.equal(s.status, 401);
  assert.equal(s.body.error, 'unauthorized');
  assert.equal(s.cookie, '');
  const basic = await fetch(`${couch.url}/${DB}`, { headers: { authorization: 'Basic ' + Buffer.from(`${officer().name}:nope`).toString('base64') } });
  assert.equal(basic.status, 401);
  const good = await fetch(`${couch.url}/${DB}`, { headers: { authorization: 'Basic ' + Buffer.from(`${officer().name}:${officer().password}`).toString('base64') } });
  assert.equal(good.status, 200);
});

test('a user without the officer role can neither read nor write the database', async () => {
  await couch.addUser('khach', 'mat-khau-khach', ['reader']);
  const s = await signIn('khach', 'mat-khau-khach');
  assert.equal(s.status, 200);
  const read = await call(s.cookie, 'GET', `/${DB}/_all_docs`);
  assert.ok([401, 403].includes(read.status), `read: HTTP ${read.status}`);
  const doc = model({ written_by: 'khach' });
  refusedWrite(await call(s.cookie, 'POST', `/${DB}/_bulk_docs`, { docs: [doc] }), [doc]);
  assert.equal((await couch.adminJson('GET', `/${DB}/${encodeURIComponent(doc._id)}`)).status, 404);
});

// --- validate_doc_update -------------------------------------------------------------------------------

const refusals = [
  ['bad_id', 'an _id without a known prefix', () => ({ ...model(), _id: `record:${uuid()}` })],
  ['bad_id', 'a model whose id is not the _id suffix', () => ({ ...model(), id: 'another' })],
  ['bad_id', 'a plan without id', () => { const p = plan(); delete p.id; return p; }],
  ['bad_type', 'a model without type', () => { const m = model(); delete m.type; return m; }],
  ['bad_type', 'a plan typed as a model', () => ({ ...plan(), type: 'model' })],
  ['bad_writer', 'written_by another user', () => model({ written_by: 'minh' })],
  ['bad_writer', 'no written_by', () => { const m = model(); delete m.written_by; return m; }],
  ['bad_title', 'a blank title', () => model({ title: '   ' })],
  ['bad_title', 'a plan without title', () => { const p = plan(); delete p.title; return p; }],
  ['bad_field', 'a field not among the four codes', () => model({ field: 'kinh_te' })],
  ['bad_locality', 'a locality without a name', () => model({ locality: { code: 20095, name: '' } })],
  ['bad_locality', 'a locality as a string', () => model({ locality: 'Xã A Roàng' })],
  ['bad_time', 'created_at not in UTC', () => model({ created_at: '2026-05-02T08:00:00+07:00' })],
  ['bad_time', 'a plan whose updated_at is a date', () => plan({ updated_at: '2026-01-02' })],
  ['bad_photo', 'a photo whose sha256 is not its _id suffix', () => photo(JPEG, { sha256: 'cd'.repeat(32) })],
  ['bad_photo', 'a photo with a mime outside the three', () => { const p = photo(Buffer.from('gif')); p.mime = 'image/gif'; p._attachments.image.content_type = 'image/gif'; return p; }],
  ['bad_photo', 'a photo without its image attachment', () => { const p = photo(Buffer.from('no image')); delete p._attachments; return p; }],
  ['bad_id', 'a photo _id that is not 64 lowercase hex digits', () => { const p = photo(Buffer.from('upper')); const up = p.sha256.toUpperCase(); return { ...p, _id: `photo:${up}`, sha256: up }; }],
];

for (const [code, what, make] of refusals) {
  test(`validate_doc_update refuses ${what} with forbidden "${code}: …" in _bulk_docs`, async () => {
    const cookie = await lan();
    const doc = make();
    const ok = model(); // written in the same request: the refusal is per document
    const [bad, good] = await bulk(cookie, [doc, ok]);
    assert.equal(bad.error, 'forbidden', JSON.stringify(bad));
    assert.equal(bad.reason.split(':')[0], code, bad.reason);
    assert.ok(bad.reason.length > code.length + 2, 'the reason carries a detail after the code');
    assert.equal(good.ok, true, JSON.stringify(good));
    assert.equal((await couch.adminJson('GET', `/${DB}/${encodeURIComponent(doc._id)}`)).status, 404, 'nothing stored');
  });
}

test('an officer resolves a conflict in one request: the merged body on the winning leaf, _deleted stubs for the losers; photos stay immutable', async () => {
  const cookie = await lan();
  const doc = model();
  // Two leaves, as two phones writing the same model offline make them (new_edits:false keeps both).
  const leaves = ['1-' + 'a'.repeat(32), '1-' + 'b'.repeat(32)];
  const made = await call(cookie, 'POST', `/${DB}/_bulk_docs`, {
    new_edits: false,
    docs: [{ ...doc, _rev: leaves[0], title: 'Bản A' }, { ...doc, _rev: leaves[1], title: 'Bản B' }],
  });
  assert.ok(made.status === 201 || made.status === 200, JSON.stringify(made));
  const path = `/${DB}/${encodeURIComponent(doc._id)}`;
  const before = (await call(cookie, 'GET', `${path}?conflicts=true`)).json;
  assert.equal(before._conflicts.length, 1, JSON.stringify(before));
  const [loser] = before._conflicts;
  // One id twice in one request, so the results are read straight (bulk() matches them by id).
  const resolved = await call(cookie, 'POST', `/${DB}/_bulk_docs`, { docs: [
    { ...doc, _rev: before._rev, title: 'Bản hợp nhất' },
    { _id: doc._id, _rev: loser, _deleted: true },
  ] });
  assert.equal(resolved.status, 201, JSON.stringify(resolved.json));
  assert.equal(resolved.json.length, 2);
  for (const r of resolved.json) assert.equal(r.error, undefined, JSON.stringify(resolved.json));
  const after = (await call(cookie, 'GET', `${path}?conflicts=true`)).json;
  assert.equal(after.title, 'Bản hợp nhất');
  assert.equal(after._conflicts, undefined, JSON.stringify(after));
  // A photo is never deleted by an officer (tested with its change below); a plan's leaf may be.
  const p = plan();
  const [w] = await bulk(cookie, [p]);
  const [del] = await bulk(cookie, [{ _id: p._id, _rev: w.rev, _deleted: true }]);
  assert.equal(del.ok, true, JSON.stringify(del));
});

test('validate_doc_update refuses a member of the database without the officer role (not_officer)', async () => {
  // _security admits by role, so such a user only reaches the function if let in by name: do that here.
  await couch.addUser('thuc-tap', 'mat-khau-tt', []);
  const sec = (await couch.adminJson('GET', `/${DB}/_security`)).json;
  await couch.adminJson('PUT', `/${DB}/_security`, { ...sec, members: { ...sec.members, names: ['thuc-tap'] } });
  try {
    const s = await signIn('thuc-tap', 'mat-khau-tt');
    assert.equal((await call(s.cookie, 'GET', `/${DB}`)).status, 200, 'a member by name reads');
    const doc = model({ written_by: 'thuc-tap' });
    const [r] = await bulk(s.cookie, [doc]);
    assert.equal(r.error, 'forbidden', JSON.stringify(r));
    assert.match(r.reason, /^not_officer: /);
  } finally {
    await couch.adminJson('PUT', `/${DB}/_security`, sec);
  }
});

test('a photo document with its attachment is accepted once; writing it again conflicts; changing or deleting it is refused', async () => {
  const cookie = await lan();
  const doc = photo(Buffer.from('ffd8ffe0 a photo of the cow shed ffd9'));
  const [first] = await bulk(cookie, [doc]);
  assert.equal(first.ok, true, JSON.stringify(first));
  const image = await fetch(`${couch.url}/${DB}/${encodeURIComponent(doc._id)}/image`, { headers: { cookie } });
  assert.equal(image.status, 200);
  assert.equal(image.headers.get('content-type'), 'image/jpeg');
  assert.deepEqual(Buffer.from(await image.arrayBuffer()), Buffer.from(doc._attachments.image.data, 'base64'));
  // The same photo from another phone: "already there".
  const [again] = await bulk(cookie, [doc]);
  assert.equal(again.error, 'conflict', JSON.stringify(again));
  // A change, and a deletion, of the stored revision.
  const [changed] = await bulk(cookie, [{ ...doc, _rev: first.rev, caption: 'changed' }]);
  assert.equal(changed.error, 'forbidden', JSON.stringify(changed));
  assert.match(changed.reason, /^photo_immutable: /);
  const [deleted] = await bulk(cookie, [{ _id: doc._id, _rev: first.rev, _deleted: true }]);
  assert.equal(deleted.error, 'forbidden', JSON.stringify(deleted));
  assert.match(deleted.reason, /^photo_immutable: /);
  const stored = await couch.adminJson('GET', `/${DB}/${encodeURIComponent(doc._id)}`);
  assert.equal(stored.json._rev, first.rev);
  assert.equal(stored.json.caption, undefined);
});

// --- the setup script ----------------------------------------------------------------------------------

async function snapshot() {
  const db = (await couch.adminJson('GET', `/${DB}`)).json;
  const ddoc = (await couch.adminJson('GET', `/${DB}/_design/dvk`)).json;
  const security = (await couch.adminJson('GET', `/${DB}/_security`)).json;
  const users = [];
  for (const u of couch.users) users.push((await couch.adminJson('GET', `/_users/org.couchdb.user:${u.name}`)).json._rev);
  const cors = (await couch.adminJson('GET', '/_config/cors')).json;
  const enabled = (await couch.adminJson('GET', '/_config/httpd/enable_cors')).json;
  return { seq: db.update_seq, docs: db.doc_count, ddoc: ddoc._rev, fn: ddoc.validate_doc_update, security, users, cors, enabled };
}

test('running the setup script again changes nothing, and rewrites a changed design document with its current _rev', async () => {
  const beforeRun = await snapshot();
  const run = await runSetup(setupArgs(), { COUCH_ADMIN_PASSWORD: couch.admin.password });
  assert.equal(run.code, 0, run.err);
  for (const step of ['_security', '_design/dvk', 'CORS', `user ${couch.users[0].name}`, `user ${couch.users[1].name}`, `database ${DB}`]) {
    assert.match(run.out, new RegExp(`^${step.replace(/[/]/g, '\\/')}: unchanged`, 'm'), run.out);
  }
  assert.doesNotMatch(run.out, /: (created|updated)/);
  assert.deepEqual(await snapshot(), beforeRun);

  // Someone replaced the function: the next run puts it back, on top of the current revision.
  const ddoc = (await couch.adminJson('GET', `/${DB}/_design/dvk`)).json;
  const put = await couch.adminJson('PUT', `/${DB}/_design/dvk`, { ...ddoc, validate_doc_update: 'function () {}' });
  assert.equal(put.status, 201);
  const [slipped] = await bulk(await lan(), [{ _id: `junk:${uuid()}` }]);
  assert.equal(slipped.ok, true, 'the replaced function let junk in');
  const fix = await runSetup(setupArgs(), { COUCH_ADMIN_PASSWORD: couch.admin.password });
  assert.equal(fix.code, 0, fix.err);
  assert.match(fix.out, /^_design\/dvk: updated \(3-/m);
  const after = await snapshot();
  assert.equal(after.fn, beforeRun.fn);
  const [refused] = await bulk(await lan(), [{ _id: `junk:${uuid()}` }]);
  assert.match(refused.reason, /^bad_id: /);
});

test('the setup script says clearly when the admin password is wrong or the server unreachable', async () => {
  const wrong = await runSetup(setupArgs(), { COUCH_ADMIN_PASSWORD: 'wrong' });
  assert.equal(wrong.code, 1);
  assert.match(wrong.err, /the admin "admin" or the password is wrong/);
  const closed = await freePort();
  const down = await runSetup(['--url', `http://127.0.0.1:${closed}`, '--admin', 'admin', '--db', DB], { COUCH_ADMIN_PASSWORD: 'x' });
  assert.equal(down.code, 1);
  assert.match(down.err, new RegExp(`cannot reach http://127\\.0\\.0\\.1:${closed} \\(ECONNREFUSED\\)`));
  const noDb = await runSetup(['--url', couch.directUrl, '--admin', 'admin'], { COUCH_ADMIN_PASSWORD: 'x', COUCH_DB: '' });
  assert.equal(noDb.code, 1);
  assert.match(noDb.err, /missing --db/);
});

// --- replication protocol pieces ------------------------------------------------------------------------

test('a stale _bulk_docs write gets a per-document conflict, beside a write that succeeds', async () => {
  const cookie = await lan();
  const doc = model();
  const [v1] = await bulk(cookie, [doc]);
  const [v2] = await bulk(cookie, [{ ...doc, _rev: v1.rev, title: 'Sửa lần một', updated_at: '2026-11-13T00:00:00Z' }]);
  assert.equal(v2.ok, true);
  const other = model();
  const [stale, fresh] = await bulk(cookie, [{ ...doc, _rev: v1.rev, title: 'Sửa từ máy cũ' }, other]);
  assert.equal(stale.error, 'conflict', JSON.stringify(stale));
  assert.equal(stale.id, doc._id);
  assert.equal(fresh.ok, true);
  const now = await couch.adminJson('GET', `/${DB}/${encodeURIComponent(doc._id)}`);
  assert.equal(now.json.title, 'Sửa lần một');
});

test('_changes?include_docs=true&conflicts=true&since=…&limit=… pages through every document once', async () => {
  const cookie = await lan();
  const fresh = [model(), model(), plan(), model(), plan()];
  await bulk(cookie, fresh);
  const all = (await call(cookie, 'GET', `/${DB}/_all_docs`)).json.rows.map((r) => r.id);
  const seen = [];
  let since = 0;
  let pages = 0;
  for (;;) {
    const r = await call(cookie, 'GET', `/${DB}/_changes?include_docs=true&conflicts=true&since=${encodeURIComponent(since)}&limit=2`);
    assert.equal(r.status, 200);
    if (r.json.results.length === 0) break;
    assert.ok(r.json.results.length <= 2);
    for (const c of r.json.results) {
      if (c.deleted) continue;
      assert.equal(c.doc._id, c.id);
      assert.ok(c.doc._rev, 'the document comes with the change');
      seen.push(c.id);
    }
    since = r.json.last_seq;
    pages++;
    assert.ok(pages < 100, 'paging ends');
  }
  assert.ok(pages >= Math.ceil(all.length / 2));
  assert.deepEqual([...seen].sort(), [...all].sort());
  for (const d of fresh) assert.ok(seen.includes(d._id), d._id);
});

test('a document with two leaves written with new_edits=false shows _conflicts, in GET and in _changes', async () => {
  const cookie = await lan();
  const base = model();
  const a = { ...base, _rev: '1-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', title: 'Bản của xã' };
  const b = { ...base, _rev: '1-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', title: 'Bản của huyện' };
  const r = await call(cookie, 'POST', `/${DB}/_bulk_docs`, { docs: [a, b], new_edits: false });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  const got = await call(cookie, 'GET', `/${DB}/${encodeURIComponent(base._id)}?conflicts=true`);
  assert.equal(got.json._rev, b._rev, 'the winner is the greater revision');
  assert.deepEqual(got.json._conflicts, [a._rev]);
  const changes = await call(cookie, 'GET', `/${DB}/_changes?include_docs=true&conflicts=true&since=0`);
  const c = changes.json.results.find((x) => x.id === base._id);
  assert.deepEqual(c.doc._conflicts, [a._rev]);
  const loser = await call(cookie, 'GET', `/${DB}/${encodeURIComponent(base._id)}?rev=${a._rev}`);
  assert.equal(loser.json.title, 'Bản của xã');
});

// --- CORS ------------------------------------------------------------------------------------------------

test('CORS: a preflight from the app origin is allowed with credentials; another origin gets no CORS headers', async () => {
  const preflight = (origin) => fetch(`${couch.url}/${DB}/_bulk_docs`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
  });
  const ok = await preflight(page.origin);
  assert.ok(ok.status === 200 || ok.status === 204, `HTTP ${ok.status}`);
  assert.equal(ok.headers.get('access-control-allow-origin'), page.origin);
  assert.equal(ok.headers.get('access-control-allow-credentials'), 'true');
  assert.match(ok.headers.get('access-control-allow-methods'), /POST/);
  assert.match(ok.headers.get('access-control-allow-headers').toLowerCase(), /content-type/);
  const no = await preflight(otherPage.origin);
  assert.equal(no.headers.get('access-control-allow-origin'), null);
  // A real request from the page origin carries the header too.
  const get = await fetch(`${couch.url}/${DB}`, { headers: { origin: page.origin, cookie: await lan() } });
  assert.equal(get.status, 200);
  assert.equal(get.headers.get('access-control-allow-origin'), page.origin);
});

test('CORS in Chromium: a page on another loopback port signs in, reads and writes on the cookie; a page from another origin is blocked', async () => {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const tab = await browser.newPage();
    const run = async (origin) => {
      await tab.goto(origin + '/');
      return tab.evaluate(async ({ dbUrl, url, user, doc }) => {
        try {
          const opts = { credentials: 'include', headers: { 'content-type': 'application/json' } };
          const s = await fetch(`${url}/_session`, { ...opts, method: 'POST', body: JSON.stringify(user) });
          const r = await fetch(dbUrl, { credentials: 'include' });
          const w = await fetch(`${dbUrl}/_bulk_docs`, { ...opts, method: 'POST', body: JSON.stringify({ docs: [doc] }) });
          return { statuses: [s.status, r.status, w.status], result: await w.json() };
        } catch (e) {
          return { error: e.name };
        }
      }, { dbUrl: couch.dbUrl, url: couch.url, user: { name: officer().name, password: officer().password }, doc: model() });
    };
    const allowed = await run(page.origin);
    assert.deepEqual(allowed.statuses, [200, 200, 201], JSON.stringify(allowed));
    assert.equal(allowed.result[0].ok, true);
    const blocked = await run(otherPage.origin);
    assert.equal(blocked.error, 'TypeError', JSON.stringify(blocked));
  } finally {
    await browser.close();
  }
});

// --- the harness's tools for the sync tests ---------------------------------------------------------------

test('harness: expireSessions ends a session (401), and signing in again with the same password works', async () => {
  const s = await signIn(couch.users[1].name, couch.users[1].password);
  assert.equal((await call(s.cookie, 'GET', `/${DB}`)).status, 200);
  await couch.expireSessions();
  const expired = await call(s.cookie, 'GET', `/${DB}`);
  assert.equal(expired.status, 401);
  const again = await signIn(couch.users[1].name, couch.users[1].password);
  assert.equal(again.status, 200);
  assert.equal((await call(again.cookie, 'GET', `/${DB}`)).status, 200);
  lanCookie = null;
});

test('harness: cutOn cuts a push after the server wrote it (the answer lost) or before it arrived; goLight brings it back', async () => {
  const cookie = await lan();
  const written = model();
  const cut = couch.cutOn(`POST /${DB}/_bulk_docs`, { when: 'response' });
  await assert.rejects(call(cookie, 'POST', `/${DB}/_bulk_docs`, { docs: [written] }));
  await cut;
  await assert.rejects(fetch(`${couch.url}/`), 'dark after the cut');
  await couch.goLight();
  assert.equal((await couch.adminJson('GET', `/${DB}/${encodeURIComponent(written._id)}`)).status, 200, 'the server kept the write');

  const lost = model();
  const cut2 = couch.cutOn(`POST /${DB}/_bulk_docs`, { when: 'request' });
  await assert.rejects(call(cookie, 'POST', `/${DB}/_bulk_docs`, { docs: [lost] }));
  await cut2;
  await couch.goLight();
  assert.equal((await couch.adminJson('GET', `/${DB}/${encodeURIComponent(lost._id)}`)).status, 404, 'the request never arrived');
  assert.equal((await call(cookie, 'GET', `/${DB}`)).status, 200, 'the session survives the outage');

  await couch.goDark();
  await assert.rejects(fetch(`${couch.url}/`));
  await couch.goLight();
  assert.equal((await fetch(`${couch.url}/`)).status, 200);
});

test('harness: restore puts the database back as the backup had it (revisions, conflicts, photos, validation, _security)', async () => {
  const cookie = await lan();
  const kept = model();
  const [k] = await bulk(cookie, [kept]);
  const pic = photo(Buffer.from('ffd8 backup photo ffd9'));
  await bulk(cookie, [pic]);
  const dump = await couch.backup();
  const conflicted = dump.docs.filter((d) => d.title === 'Bản của xã' || d.title === 'Bản của huyện');
  assert.equal(conflicted.length, 2, 'both leaves of the conflicted document are in the backup');

  const later = model();
  await bulk(cookie, [later, { ...kept, _rev: k.rev, title: 'Sửa sau bản sao' }]);
  await couch.restore(dump);

  const back = await call(cookie, 'GET', `/${DB}/${encodeURIComponent(kept._id)}`);
  assert.equal(back.status, 200, 'the session still works on the restored database');
  assert.equal(back.json._rev, k.rev);
  assert.equal(back.json.title, kept.title);
  assert.equal((await call(cookie, 'GET', `/${DB}/${encodeURIComponent(later._id)}`)).status, 404);
  const image = await fetch(`${couch.url}/${DB}/${encodeURIComponent(pic._id)}/image`, { headers: { cookie } });
  assert.deepEqual(Buffer.from(await image.arrayBuffer()), Buffer.from(pic._attachments.image.data, 'base64'));
  const leaves = dump.docs.filter((d) => d._id === conflicted[0]._id);
  const c = await call(cookie, 'GET', `/${DB}/${encodeURIComponent(leaves[0]._id)}?conflicts=true`);
  assert.equal(c.json._conflicts.length, 1);
  assert.equal((await call(null, 'GET', `/${DB}`)).status, 401, '_security restored');
  const [refused] = await bulk(cookie, [model({ field: 'nope' })]);
  assert.match(refused.reason, /^bad_field: /, 'the design document restored');
});
