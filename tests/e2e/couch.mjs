// A real CouchDB-like server for the sync tests: pouchdb-server (npm, in memory, on loopback), set up by
// tools/couchdb-setup.mjs exactly as a city's CouchDB is, behind a small TCP forwarder that the tests can
// cut and restore (the server itself keeps running, so its in-memory data survives: a real restart would
// empty it). Nothing here mocks HTTP: every request reaches pouchdb-server.
//
//   const couch = await startCouch({ origin: 'http://127.0.0.1:8123' });
//   couch.url / couch.dbUrl          the server and the database, as the app sees them (via the forwarder)
//   couch.users                      the officers made (default: lan, minh), with their passwords
//   await couch.goDark(); await couch.goLight();   unreachable (connections refused and cut), then back
//   await couch.cutOn('POST /dvk-test/_bulk_docs', { when: 'response' })   cuts mid-push, then dark
//   await couch.expireSessions()     every session cookie stops working (passwords unchanged)
//   const dump = await couch.backup(); …; await couch.restore(dump)   the database back to that moment
//   await couch.stop()
//
// Sessions on pouchdb-server (checked here): a cookie is signed with `couch_httpd_auth/secret` and the
// user's salt, and lasts `couch_httpd_auth/timeout` seconds (600 by default, renewed on each request).
// All three are honoured: a new secret ends every session at once (expireSessions), a new password ends that
// user's sessions (setPassword), and a timeout of 2 s made a cookie anonymous after 3 s (setSessionTimeout).
// An ended session is not an error on its own: its requests are anonymous, so the database answers 401.
// On CouchDB 3 the same settings are `chttpd_auth/secret` and `chttpd_auth/timeout`.
//
// Where pouchdb-server differs from CouchDB 3 (checked here; the client must work with both):
// - `_bulk_docs` answers 201 with the documents its validation refused FIRST, then the others: match the
//   results to the documents by `id`, never by position (CouchDB keeps the request's order).
// - An anonymous or non-member `_bulk_docs` is 201 with a per-document `unauthorized` (CouchDB: 401/403
//   for the whole request).
// - Its `validate_doc_update` gets no `_security` object from `_bulk_docs` (the design document therefore
//   recognises database admins by the role dvk_admin) and sees the current winner as `oldDoc` (CouchDB:
//   the revision being replaced).
// - A second write of an existing photo document without `_rev` is a `conflict` on both (the design
//   document lets it through to the conflict check).
// - `GET /` has no "couchdb" key; sequence numbers are integers (CouchDB: opaque strings); the restored
//   database's sequence starts again from 0 (a client's old checkpoint may be ahead of it).
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { setup, OFFICER_ROLE } from '../../tools/couchdb-setup.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = join(here, 'node_modules', 'pouchdb-server', 'bin', 'pouchdb-server');
export const DEFAULT_USERS = [{ name: 'lan', password: 'mat-khau-lan' }, { name: 'minh', password: 'mat-khau-minh' }];

// Loaded with --require into the server: it exits when the test process goes (its stdin closes), so a
// crashed test leaves no server behind.
const WATCHDOG = "process.stdin.on('end', () => process.exit(0)); process.stdin.on('error', () => process.exit(0)); process.stdin.resume();\n";

/** A port free right now on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts pouchdb-server in a fresh temporary directory (it writes config.json and log.txt into its working
 * directory and reads config.json back), makes the first server admin, runs the setup script for `db` with
 * `origin` (and `origins`) allowed by CORS, and makes `users` (officers) and `adminUsers` (dvk_admin).
 */
export async function startCouch({ origin, origins = [], db = 'dvk-test', users = DEFAULT_USERS, adminUsers = [], quiet = true } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'dvk-couch-'));
  await writeFile(join(dir, 'watchdog.cjs'), WATCHDOG);
  let child, port, output = '';
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    output = '';
    child = spawn(process.execPath, ['--require', join(dir, 'watchdog.cjs'), BIN, '--in-memory', '--no-stdout-logs', '--host', '127.0.0.1', '--port', String(port)],
      { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    const exited = new Promise((r) => child.once('exit', (code) => r(code)));
    const up = await waitUntilUp(`http://127.0.0.1:${port}/`, exited);
    if (up) break;
    if (attempt >= 2 || !/EADDRINUSE/.test(output)) {
      child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
      throw new Error(`pouchdb-server did not start on port ${port}:\n${output}`);
    }
  }
  const direct = `http://127.0.0.1:${port}`;
  const admin = { name: 'admin', password: randomBytes(12).toString('hex') };
  const made = await fetch(`${direct}/_config/admins/${admin.name}`, { method: 'PUT', body: JSON.stringify(admin.password) });
  if (made.status !== 200) throw new Error(`could not create the first admin: HTTP ${made.status}`);

  const all = [...new Set([origin, ...origins].filter(Boolean))];
  const log = quiet ? () => {} : (line) => console.log(`[couch] ${line}`);
  await setup({ url: direct, admin: admin.name, password: admin.password, db, origins: all, users, adminUsers }, log);

  const fwd = await forwarder(port);
  const url = `http://127.0.0.1:${fwd.port}`;
  const auth = 'Basic ' + Buffer.from(`${admin.name}:${admin.password}`).toString('base64');

  /** A JSON request as the server admin, straight to the server (never through the forwarder). */
  async function adminJson(method, path, body) {
    const init = { method, headers: { authorization: auth, accept: 'application/json' } };
    if (body !== undefined) {
      init.headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const res = await fetch(direct + path, init);
    const text = await res.text();
    let json = null;
    try { json = JSON.parse(text); } catch { json = text; }
    return { status: res.status, json };
  }
  const must = async (method, path, body, ok = [200, 201, 202]) => {
    const r = await adminJson(method, path, body);
    if (!ok.includes(r.status)) throw new Error(`${method} ${path}: HTTP ${r.status} ${JSON.stringify(r.json)}`);
    return r.json;
  };

  const couch = {
    url, db, dbUrl: `${url}/${db}`, directUrl: direct, admin, users, adminUsers, dir,
    adminJson,
    /** Stops accepting connections and cuts the open ones: the server is unreachable. */
    goDark: () => fwd.goDark(),
    /** Accepts connections again on the same port, after goDark or a cut. */
    goLight: () => fwd.goLight(),
    /**
     * Cuts the connection whose request contains `text` (e.g. 'POST /dvk-test/_bulk_docs') and goes dark.
     * `when: 'request'`: the request never reaches the server; `when: 'response'` (default): the server
     * receives and handles it, and its answer is lost. Resolves when the cut happened.
     */
    cutOn: (text, { when = 'response' } = {}) => fwd.cutOn(text, when),
    /** Ends every session: a new cookie secret (passwords stay; signing in again works). */
    async expireSessions() {
      await must('PUT', '/_config/couch_httpd_auth/secret', randomBytes(16).toString('hex'));
    },
    /** Sessions last `seconds` from their last request (pouchdb-server's default is 600). */
    async setSessionTimeout(seconds) {
      await must('PUT', '/_config/couch_httpd_auth/timeout', String(seconds));
    },
    /** A new password for `name`; that user's open sessions end. */
    async setPassword(name, password) {
      const path = `/_users/${encodeURIComponent(`org.couchdb.user:${name}`)}`;
      const doc = await must('GET', path);
      await must('PUT', path, { ...doc, password });
    },
    /** A user with `roles` (default: officer). */
    async addUser(name, password, roles = [OFFICER_ROLE]) {
      await must('PUT', `/_users/${encodeURIComponent(`org.couchdb.user:${name}`)}`, { _id: `org.couchdb.user:${name}`, name, password, roles, type: 'user' });
    },
    /**
     * Every live document of `db` with all its leaves (conflicts included), each with its revision history
     * and attachments inline, and the `_security` object: what restore() loads back.
     */
    async backup(name = db) {
      const p = `/${encodeURIComponent(name)}`;
      const list = await must('GET', `${p}/_all_docs?include_docs=true&conflicts=true`);
      const wanted = list.rows.flatMap((r) => [r.doc._rev, ...(r.doc._conflicts || [])].map((rev) => ({ id: r.id, rev })));
      const docs = [];
      if (wanted.length > 0) {
        const got = await must('POST', `${p}/_bulk_get?revs=true&attachments=true`, { docs: wanted });
        for (const res of got.results) {
          for (const d of res.docs) {
            if (!d.ok) throw new Error(`backup: ${res.id}: ${JSON.stringify(d.error)}`);
            docs.push(d.ok);
          }
        }
      }
      const security = await must('GET', `${p}/_security`);
      return { db: name, docs, security };
    },
    /**
     * Replaces database `into` (default: the dump's) by the dump, as a server restored from that backup:
     * the database is deleted and made again (its sequence starts over), the documents are loaded with
     * `new_edits: false` (same revisions, histories and conflicts), the design documents last (so the
     * validation does not judge other users' documents as the admin's writes), then `_security`.
     */
    async restore(dump, { into = dump.db } = {}) {
      const p = `/${encodeURIComponent(into)}`;
      await must('DELETE', p, undefined, [200, 202, 404]);
      await must('PUT', p);
      const plain = dump.docs.filter((d) => !d._id.startsWith('_design/'));
      const design = dump.docs.filter((d) => d._id.startsWith('_design/'));
      for (const batch of [plain, design]) {
        if (batch.length === 0) continue;
        const res = await must('POST', `${p}/_bulk_docs`, { docs: batch.map(({ _conflicts, ...d }) => d), new_edits: false });
        const bad = (Array.isArray(res) ? res : []).filter((r) => r.error);
        if (bad.length) throw new Error(`restore: ${JSON.stringify(bad.slice(0, 3))}`);
      }
      await must('PUT', `${p}/_security`, dump.security);
    },
    /** The server's log (log.txt in its directory), for a failing test's message. */
    log: () => readFile(join(dir, 'log.txt'), 'utf8').catch(() => output),
    async stop() {
      await fwd.close();
      if (child.exitCode === null && child.signalCode === null) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await gone;
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
  return couch;
}

async function waitUntilUp(url, exited, timeout = 30_000) {
  let gone = false;
  exited.then(() => { gone = true; });
  const end = Date.now() + timeout;
  while (Date.now() < end && !gone) {
    try {
      const r = await fetch(url);
      if (r.status === 200) return true;
    } catch { /* not listening yet */ }
    await sleep(50);
  }
  return false;
}

/**
 * A TCP forwarder on a free loopback port to 127.0.0.1:`target`. It copies bytes both ways, so HTTP
 * (keep-alive included) passes untouched; it can stop listening and cut every connection, then listen again.
 */
async function forwarder(target) {
  const sockets = new Set();
  const cuts = [];
  let listening = false;
  const server = createServer((client) => {
    const upstream = connect(target, '127.0.0.1');
    sockets.add(client);
    sockets.add(upstream);
    let tail = '';
    let dropReply = null; // the cut waiting for the server's answer on this connection
    const endBoth = () => { client.destroy(); upstream.destroy(); sockets.delete(client); sockets.delete(upstream); };
    client.on('data', (chunk) => {
      const text = tail + chunk.toString('latin1');
      tail = text.slice(-256);
      const hit = cuts.findIndex((c) => text.includes(c.text));
      if (hit !== -1) {
        const cut = cuts.splice(hit, 1)[0];
        if (cut.when === 'request') {
          endBoth();
          goDark().then(cut.resolve);
          return;
        }
        dropReply = cut;
      }
      if (!upstream.write(chunk)) { client.pause(); upstream.once('drain', () => client.resume()); }
    });
    upstream.on('data', (chunk) => {
      if (dropReply) {
        const cut = dropReply;
        dropReply = null;
        endBoth();
        goDark().then(cut.resolve);
        return;
      }
      if (!client.write(chunk)) { upstream.pause(); client.once('drain', () => upstream.resume()); }
    });
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
    client.on('error', endBoth);
    upstream.on('error', endBoth);
    client.on('close', endBoth);
    upstream.on('close', endBoth);
  });
  const listen = (port) => new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => { server.off('error', reject); listening = true; resolve(); });
  });
  await listen(0);
  const port = server.address().port;
  async function goDark() {
    if (listening) {
      listening = false;
      const closed = new Promise((r) => server.close(r));
      for (const s of sockets) s.destroy();
      sockets.clear();
      await closed;
    } else {
      for (const s of sockets) s.destroy();
      sockets.clear();
    }
  }
  return {
    port,
    goDark,
    async goLight() { if (!listening) await listen(port); },
    cutOn(text, when) {
      if (when !== 'request' && when !== 'response') throw new Error(`cutOn: when is 'request' or 'response', not ${when}`);
      return new Promise((resolve) => cuts.push({ text, when, resolve }));
    },
    close: goDark,
  };
}
