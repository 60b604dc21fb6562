#!/usr/bin/env node
// Configures a CouchDB 3 server (or pouchdb-server, for trials and tests) for DVK Registry's sync, as the
// document contract says (one database per city): creates the database as the server admin, sets its
// `_security` (members: role `dvk_officer`; admins: role `dvk_admin`; the anonymous reads nothing), writes
// `_design/dvk` with the `validate_doc_update` that refuses malformed documents, turns on CORS with
// credentials for the app's origin(s) (CouchDB 3: `/_node/_local/_config`; a server without that API, like
// pouchdb-server, through `/_config`, or skipped with a message when it has neither), and adds officers.
// Running it again changes nothing that is already right (the design document is rewritten, with its
// current _rev, only when its function differs). Node 20 or later, no dependencies.
//
//   COUCH_ADMIN_PASSWORD='…' node tools/couchdb-setup.mjs --url https://couch.example.org \
//     --admin admin --db dvk-hue --origin https://dvk.example.org \
//     --user lan:mat-khau-1 --user minh:mat-khau-2 --admin-user quan:mat-khau-3
//
// Options (each also from the environment): --url (COUCH_URL), --admin (COUCH_ADMIN), --password
// (COUCH_ADMIN_PASSWORD; better in the environment than on the command line), --db (COUCH_DB), --origin,
// repeatable (COUCH_ORIGINS, comma-separated; none: CORS is left alone, as behind a same-origin reverse
// proxy), --user name:password, repeatable (role dvk_officer), --admin-user name:password (dvk_admin and
// dvk_officer). A user who exists keeps their document unless a role is missing or the password given
// differs (checked by signing in). Exit status 0 when the server is set, 1 with a message otherwise.
import { pathToFileURL } from 'node:url';

export const OFFICER_ROLE = 'dvk_officer';
export const ADMIN_ROLE = 'dvk_admin';
export const DESIGN_ID = '_design/dvk';
export const CORS = {
  methods: 'GET, PUT, POST, HEAD, DELETE',
  headers: 'accept, authorization, content-type, origin, referer',
};

/**
 * The contract's `validate_doc_update` (ES5: CouchDB's JavaScript engine may be old). It is stored as
 * source, so it uses nothing from outside its own body. Refusals are `{forbidden: "<code>: <detail>"}`.
 * On CouchDB `oldDoc` is the revision being replaced (null for a new document); pouchdb-server passes the
 * current winner instead, which is the same for every write the app makes.
 */
export function validateDocUpdate(newDoc, oldDoc, userCtx, secObj) {
  function refuse(code, detail) {
    throw { forbidden: code + ': ' + detail };
  }
  function has(list, x) {
    return Object.prototype.toString.call(list) === '[object Array]' && list.indexOf(x) !== -1;
  }
  function nonBlank(s) {
    return typeof s === 'string' && /\S/.test(s);
  }
  function utcTime(s) {
    return typeof s === 'string' &&
      /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?Z$/.test(s);
  }
  var roles = (userCtx && userCtx.roles) || [];
  var admins = (secObj && secObj.admins) || {};
  // A database admin: by the contract's role (pouchdb-server passes no secObj to _bulk_docs' validation),
  // or as _security names one.
  var isAdmin = has(roles, '_admin') || has(roles, 'dvk_admin') || has(admins.names, userCtx && userCtx.name);
  for (var i = 0; i < roles.length && !isAdmin; i++) {
    if (has(admins.roles, roles[i])) isAdmin = true;
  }
  if (!isAdmin && !has(roles, 'dvk_officer')) {
    refuse('not_officer', 'only users with the role dvk_officer may write');
  }
  var id = String(newDoc._id);
  var m = /^(model|plan|photo):(.+)$/.exec(id);
  if (!m) refuse('bad_id', '_id must start with model:, plan: or photo:');
  var kind = m[1];
  var suffix = m[2];
  if (newDoc._deleted) {
    if (kind === 'photo') {
      if (!isAdmin) refuse('photo_immutable', 'a photo document is never changed or deleted');
      return;
    }
    // An officer deletes a model's or plan's leaf only to resolve a conflict (the losing leaves, beside
    // the merged body on the winner). The app never reads a deleted document and deletes a record by
    // deleted_at, so a deleted leaf deletes no record anywhere: a device still holding it pushes it again.
    return;
  }
  if (newDoc.type !== kind) refuse('bad_type', 'type must be "' + kind + '" for an _id starting with ' + kind + ':');
  if (newDoc.written_by !== userCtx.name) refuse('bad_writer', 'written_by must be the writing user\'s name');
  if (kind === 'photo') {
    if (!/^[0-9a-f]{64}$/.test(suffix)) refuse('bad_id', 'a photo _id is photo: and 64 lowercase hex digits');
    if (oldDoc && !oldDoc._deleted && newDoc._rev) refuse('photo_immutable', 'a photo document is never changed');
    if (newDoc.sha256 !== suffix) refuse('bad_photo', 'sha256 must equal the _id after photo:');
    if (!has(['image/jpeg', 'image/png', 'image/webp'], newDoc.mime)) {
      refuse('bad_photo', 'mime must be one of image/jpeg, image/png, image/webp');
    }
    var image = newDoc._attachments && newDoc._attachments.image;
    if (!image) refuse('bad_photo', 'a photo document carries its image as the attachment "image"');
    if (image.content_type !== newDoc.mime) refuse('bad_photo', 'the attachment\'s content_type must equal mime');
    return;
  }
  if (newDoc.id !== suffix) refuse('bad_id', 'id must be a string equal to the _id after ' + kind + ':');
  if (!nonBlank(newDoc.title)) refuse('bad_title', 'title must be a non-empty string');
  if (kind === 'model') {
    if (!has(['economic', 'cultural_social', 'defense_security', 'political_system'], newDoc.field)) {
      refuse('bad_field', 'field must be one of economic, cultural_social, defense_security, political_system');
    }
    var loc = newDoc.locality;
    if (!loc || typeof loc !== 'object' || Object.prototype.toString.call(loc) === '[object Array]' || !nonBlank(loc.name)) {
      refuse('bad_locality', 'locality must be an object with a non-empty string name');
    }
  }
  if (!utcTime(newDoc.created_at)) refuse('bad_time', 'created_at must be an RFC 3339 UTC time (…Z)');
  if (!utcTime(newDoc.updated_at)) refuse('bad_time', 'updated_at must be an RFC 3339 UTC time (…Z)');
}

/** The design document's body (without _rev). */
export function designDoc() {
  const source = String(validateDocUpdate).replace(/^function\s+\w+\s*\(/, 'function (');
  return { _id: DESIGN_ID, language: 'javascript', validate_doc_update: source };
}

export const SECURITY = { admins: { names: [], roles: [ADMIN_ROLE] }, members: { names: [], roles: [OFFICER_ROLE] } };

/** A failure with a message for the person running the script. */
export class SetupError extends Error {}

const DB_NAME = /^[a-z][a-z0-9_$()+/-]*$/;

function parseCredential(text, flag) {
  const i = text.indexOf(':');
  const name = i > 0 ? text.slice(0, i) : '';
  const password = i > 0 ? text.slice(i + 1) : '';
  if (!name || !password) throw new SetupError(`${flag} wants name:password, got "${text}"`);
  if (name.startsWith('_')) throw new SetupError(`${flag}: a CouchDB user name cannot start with "_" ("${name}")`);
  return { name, password };
}

function parseOrigin(text) {
  let url;
  try { url = new URL(text); } catch { throw new SetupError(`--origin "${text}" is not a URL such as https://dvk.example.org`); }
  if (!/^https?:$/.test(url.protocol) || url.origin !== text.replace(/\/$/, '')) {
    throw new SetupError(`--origin "${text}" must be an origin only (scheme, host, optional port), e.g. https://dvk.example.org`);
  }
  return url.origin;
}

/** Reads the options from `argv` (without node and the script) and `env`. */
export function parseArgs(argv, env = process.env) {
  const o = {
    url: env.COUCH_URL, admin: env.COUCH_ADMIN, password: env.COUCH_ADMIN_PASSWORD, db: env.COUCH_DB,
    origins: env.COUCH_ORIGINS ? env.COUCH_ORIGINS.split(',').map((s) => s.trim()).filter(Boolean) : [],
    users: [], adminUsers: [],
  };
  const takes = { '--url': 'url', '--admin': 'admin', '--password': 'password', '--db': 'db' };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--help' || flag === '-h') return { help: true };
    const value = argv[i + 1];
    if (!(flag in takes) && !['--origin', '--user', '--admin-user'].includes(flag)) throw new SetupError(`unknown option ${flag} (see --help)`);
    if (value === undefined) throw new SetupError(`${flag} needs a value`);
    i++;
    if (flag in takes) o[takes[flag]] = value;
    else if (flag === '--origin') o.origins.push(value);
    else if (flag === '--user') o.users.push(parseCredential(value, '--user'));
    else o.adminUsers.push(parseCredential(value, '--admin-user'));
  }
  return o;
}

function check(o) {
  for (const [k, flag] of [['url', '--url / COUCH_URL'], ['admin', '--admin / COUCH_ADMIN'], ['password', '--password / COUCH_ADMIN_PASSWORD'], ['db', '--db / COUCH_DB']]) {
    if (!o[k]) throw new SetupError(`missing ${flag}`);
  }
  let base;
  try { base = new URL(o.url); } catch { throw new SetupError(`--url "${o.url}" is not a URL such as https://couch.example.org`); }
  if (!/^https?:$/.test(base.protocol)) throw new SetupError(`--url "${o.url}" must start with http:// or https://`);
  if (base.username || base.password) throw new SetupError('give the admin with --admin and COUCH_ADMIN_PASSWORD, not inside --url');
  if (!DB_NAME.test(o.db)) throw new SetupError(`--db "${o.db}": a database name is lowercase letters, digits and _$()+-/, starting with a letter`);
  return { ...o, url: base.href.replace(/\/+$/, ''), origins: [...new Set((o.origins || []).map(parseOrigin))] };
}

/** A small client of the server, as the admin (Basic auth). */
function client(url, admin, password) {
  const auth = 'Basic ' + Buffer.from(`${admin}:${password}`).toString('base64');
  return async function call(method, path, body, { anonymous = false, headers = {} } = {}) {
    const init = { method, headers: { accept: 'application/json', ...headers } };
    if (!anonymous) init.headers.authorization = auth;
    if (body !== undefined) {
      init.headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let res;
    try {
      res = await fetch(url + path, init);
    } catch (e) {
      const why = e.cause?.code || e.cause?.message || e.message;
      throw new SetupError(`cannot reach ${url} (${why}): is the server running, and is the address right?`);
    }
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { /* not JSON: keep the text */ }
    return { status: res.status, json, text };
  };
}

function failure(what, r) {
  const why = r.json && (r.json.reason || r.json.error) ? `${r.json.error}: ${r.json.reason}` : r.text.slice(0, 200);
  return new SetupError(`${what} failed (HTTP ${r.status}, ${why})`);
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Sets the server up. `log` gets one line per step; returns the steps as `{ step, result }`, where result
 * is `created`, `updated`, `unchanged` or `skipped`.
 */
export async function setup(options, log = console.log) {
  const o = check(options);
  const call = client(o.url, o.admin, o.password);
  const steps = [];
  const step = (name, result, detail = '') => {
    steps.push({ step: name, result });
    log(`${name}: ${result}${detail ? ` (${detail})` : ''}`);
  };

  // The server, and the admin's name and password.
  const root = await call('GET', '/', undefined, { anonymous: true });
  if (root.status !== 200 || !root.json) throw failure(`GET ${o.url}/ (is this a CouchDB?)`, root);
  const pouch = 'express-pouchdb' in root.json;
  log(`server: ${pouch ? `pouchdb-server ${root.json.version}` : `CouchDB ${root.json.version ?? '?'}`} at ${o.url}`);
  const session = await call('GET', '/_session');
  if (session.status === 401) throw new SetupError(`the admin "${o.admin}" or the password is wrong (HTTP 401 from ${o.url}/_session)`);
  if (session.status !== 200) throw failure('GET /_session', session);
  if (!session.json?.userCtx?.roles?.includes('_admin')) {
    throw new SetupError(`"${o.admin}" signed in but is not a server admin (roles: ${JSON.stringify(session.json?.userCtx?.roles ?? [])})`);
  }

  // The users database (a fresh single-node CouchDB 3 may not have it yet).
  const users = await call('GET', '/_users');
  if (users.status === 404) {
    const r = await call('PUT', '/_users');
    if (r.status !== 201 && r.status !== 202 && r.status !== 412) throw failure('PUT /_users', r);
    step('_users', 'created');
  } else if (users.status !== 200) {
    throw failure('GET /_users', users);
  }

  // The database, always as the admin (pouchdb-server crashes on an anonymous PUT /db once an admin exists).
  const dbPath = '/' + encodeURIComponent(o.db);
  const info = await call('GET', dbPath);
  if (info.status === 404) {
    const r = await call('PUT', dbPath);
    if (r.status !== 201 && r.status !== 202) throw failure(`PUT /${o.db}`, r);
    step(`database ${o.db}`, 'created');
  } else if (info.status === 200) {
    step(`database ${o.db}`, 'unchanged');
  } else {
    throw failure(`GET /${o.db}`, info);
  }

  // _security.
  const sec = await call('GET', `${dbPath}/_security`);
  if (sec.status !== 200) throw failure(`GET /${o.db}/_security`, sec);
  const wanted = {
    admins: { names: sec.json?.admins?.names ?? [], roles: [...new Set([...(sec.json?.admins?.roles ?? []), ADMIN_ROLE])] },
    members: { names: sec.json?.members?.names ?? [], roles: [...new Set([...(sec.json?.members?.roles ?? []), OFFICER_ROLE])] },
  };
  const current = { admins: { names: sec.json?.admins?.names ?? [], roles: sec.json?.admins?.roles ?? [] }, members: { names: sec.json?.members?.names ?? [], roles: sec.json?.members?.roles ?? [] } };
  if (same(current, wanted)) {
    step('_security', 'unchanged');
  } else {
    const r = await call('PUT', `${dbPath}/_security`, wanted);
    if (r.status !== 200) throw failure(`PUT /${o.db}/_security`, r);
    step('_security', 'updated', `members: roles ${wanted.members.roles.join(', ')}; admins: roles ${wanted.admins.roles.join(', ')}`);
  }

  // The design document: written only when its function differs, with the current _rev.
  const ddoc = designDoc();
  const old = await call('GET', `${dbPath}/${DESIGN_ID}`);
  if (old.status === 200 && old.json.validate_doc_update === ddoc.validate_doc_update && old.json.language === ddoc.language) {
    step(DESIGN_ID, 'unchanged', old.json._rev);
  } else if (old.status === 200 || old.status === 404) {
    const body = old.status === 200 ? { ...old.json, ...ddoc, _rev: old.json._rev } : ddoc;
    const r = await call('PUT', `${dbPath}/${DESIGN_ID}`, body);
    if (r.status !== 201 && r.status !== 202) throw failure(`PUT /${o.db}/${DESIGN_ID}`, r);
    step(DESIGN_ID, old.status === 200 ? 'updated' : 'created', r.json.rev);
  } else {
    throw failure(`GET /${o.db}/${DESIGN_ID}`, old);
  }

  // CORS: CouchDB 3's node config, else the CouchDB 1/2 /_config pouchdb-server has, else nothing.
  if (o.origins.length === 0) {
    step('CORS', 'skipped', 'no --origin given: the app must reach the server under its own origin (reverse proxy)');
  } else {
    await setCors(call, o.origins, pouch, step, log);
  }

  // Users.
  for (const [u, roles] of [...o.users.map((u) => [u, [OFFICER_ROLE]]), ...o.adminUsers.map((u) => [u, [ADMIN_ROLE, OFFICER_ROLE]])]) {
    await ensureUser(call, u, roles, step);
  }
  log('done');
  return steps;
}

async function setCors(call, origins, pouch, step, log) {
  let base = null;
  for (const candidate of ['/_node/_local/_config', '/_config']) {
    const r = await call('GET', `${candidate}/cors`);
    if (r.status === 200) { base = candidate; break; }
    if (r.status !== 404 && r.status !== 400 && r.status !== 405) throw failure(`GET ${candidate}/cors`, r);
  }
  if (!base) {
    step('CORS', 'skipped', 'the server has no configuration API; set CORS in its own configuration');
    return;
  }
  if (base === '/_config') log(`CORS: ${pouch ? 'pouchdb-server' : 'this server'} has no /_node/_local/_config; using ${base}`);
  const get = async (section, key) => {
    const r = await call('GET', `${base}/${section}/${key}`);
    if (r.status === 404) return undefined;
    if (r.status !== 200) throw failure(`GET ${base}/${section}/${key}`, r);
    return String(r.json);
  };
  const put = async (section, key, value) => {
    const before = await get(section, key);
    if (before === value) return 'unchanged';
    const r = await call('PUT', `${base}/${section}/${key}`, value);
    if (r.status !== 200) throw failure(`PUT ${base}/${section}/${key}`, r);
    return 'updated';
  };
  // Origins already allowed stay allowed (one server can serve several apps), except "*", which cannot be
  // combined with credentials.
  const had = ((await get('cors', 'origins')) ?? '').split(',').map((s) => s.trim()).filter((s) => s && s !== '*');
  const all = [...new Set([...had, ...origins])].join(', ');
  const results = [
    await put('httpd', 'enable_cors', 'true'),
    await put('cors', 'origins', all),
    await put('cors', 'credentials', 'true'),
    await put('cors', 'methods', CORS.methods),
    await put('cors', 'headers', CORS.headers),
  ];
  // CouchDB 3.2+ reads chttpd/enable_cors before httpd/enable_cors: it must not say false.
  if (base === '/_node/_local/_config') {
    const chttpd = await get('chttpd', 'enable_cors');
    if (chttpd !== undefined) results.push(await put('chttpd', 'enable_cors', 'true'));
  }
  step('CORS', results.includes('updated') ? 'updated' : 'unchanged', `origins: ${all}; credentials: true`);
}

async function ensureUser(call, { name, password }, roles, step) {
  const path = `/_users/${encodeURIComponent(`org.couchdb.user:${name}`)}`;
  const r = await call('GET', path);
  if (r.status === 404) {
    const w = await call('PUT', path, { _id: `org.couchdb.user:${name}`, name, type: 'user', roles, password });
    if (w.status !== 201 && w.status !== 202) throw failure(`creating the user ${name}`, w);
    step(`user ${name}`, 'created', roles.join(', '));
    return;
  }
  if (r.status !== 200) throw failure(`GET the user ${name}`, r);
  const doc = r.json;
  const missing = roles.filter((x) => !(doc.roles || []).includes(x));
  // The password is right if it signs in; only then is the document left alone.
  const signIn = await call('POST', '/_session', { name, password }, { anonymous: true });
  const passwordOk = signIn.status === 200;
  if (missing.length === 0 && passwordOk) {
    step(`user ${name}`, 'unchanged');
    return;
  }
  const next = { ...doc, roles: [...(doc.roles || []), ...missing] };
  if (!passwordOk) next.password = password;
  const w = await call('PUT', path, next);
  if (w.status !== 201 && w.status !== 202) throw failure(`updating the user ${name}`, w);
  step(`user ${name}`, 'updated', [missing.length ? `roles + ${missing.join(', ')}` : '', passwordOk ? '' : 'new password'].filter(Boolean).join('; '));
}

const USAGE = `Usage: COUCH_ADMIN_PASSWORD=… node tools/couchdb-setup.mjs --url URL --admin NAME --db NAME
         [--origin https://app.example.org]… [--user name:password]… [--admin-user name:password]…
Configures the database, _security, _design/dvk, CORS and users for DVK Registry (see README.md).`;

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const o = parseArgs(process.argv.slice(2));
    if (o.help) {
      console.log(USAGE);
    } else {
      await setup(o);
    }
  } catch (e) {
    if (!(e instanceof SetupError)) throw e;
    console.error(`couchdb-setup: ${e.message}`);
    process.exitCode = 1;
  }
}
