// The REST API from the page: fetch with the tab's session credential, problems as errors, watch streams read
// with fetch (an EventSource cannot send Authorization).
//
// The credential is a session the daemon issued (POST /v1/sessions), kept in this tab's sessionStorage: only
// this origin (this port) can read it, and no request carries it but the ones this page sends. Never a cookie:
// every port of localhost receives, and can set, the cookies of the others.

/** An RFC 9457 problem the daemon answered, as an Error: title and detail are what the page shows. */
export class Problem extends Error {
  constructor(status, p) {
    super(p.detail || p.title || `HTTP ${status}`);
    this.status = status;
    this.type = p.type || '';
    this.title = p.title || `HTTP ${status}`;
    this.detail = p.detail || '';
    this.errors = p.errors || []; // invalid-layout: every problem of the layout, with its line
  }
}

const KEY = 'shmbridge.session';

/** The tab's session ({session, expires_at}), or null. */
function session() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY));
  } catch {
    return null;
  }
}

/** The Authorization header of session s (by default the tab's session now). */
function authHeaders(s = session()) {
  return s ? { Authorization: `Bearer ${s.session}` } : {};
}

/** Called with every 401: the page then asks for the token. */
let onUnauthorized = () => {};
export function whenUnauthorized(f) {
  onUnauthorized = f;
}

/** A 401 to a request sent with session sent: that session is worth nothing now (expired, logged out, or a
 * daemon with another token). A request sent before a logout and a new login is not news: the tab's session is
 * another by the time its answer comes. */
function unauthorized(err, sent) {
  if (session()?.session !== sent?.session) return;
  sessionStorage.removeItem(KEY);
  onUnauthorized(err);
}

/** The kinds of object and their plurals: the daemon's list (shm.Kinds; a test holds the two together). */
export const KINDS = { mapping: 'mappings', event: 'events', mutex: 'mutexes' };

/** The collection of a kind: /v1/mappings, /v1/events, /v1/mutexes. */
export const collectionPath = (kind) => `/v1/${KINDS[kind]}`;

/** The path of an object: names carry backslashes (Local\X), which a URL must not hold as they are. */
export function objectPath(kind, name, rest = '') {
  return `${collectionPath(kind)}/${encodeURIComponent(name)}${rest}`;
}

async function problemOf(res) {
  let p = {};
  try {
    p = await res.json();
  } catch {
    // not a problem document: the status says it
  }
  return new Problem(res.status, p);
}

/** Sends a request; answers the parsed JSON, the bytes (as: 'bytes'), the text (as: 'text') or null for 204.
 * answered, if given, sees the response's headers first. */
export async function call(method, path, { json, body, headers = {}, as, answered } = {}) {
  const sent = session();
  const init = { method, headers: { ...authHeaders(sent), ...headers }, credentials: 'omit' };
  if (json !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(json);
  } else if (body !== undefined) {
    init.headers['Content-Type'] ??= 'application/octet-stream';
    init.body = body;
  }
  const res = await fetch(path, init);
  if (!res.ok) {
    const err = await problemOf(res);
    if (res.status === 401) unauthorized(err, sent);
    throw err;
  }
  answered?.(res.headers);
  if (res.status === 204) return null;
  if (as === 'bytes') return new Uint8Array(await res.arrayBuffer());
  if (as === 'text') return res.text();
  return res.json();
}

export const get = (path, opts) => call('GET', path, opts);

/** The warnings of an answer's Shmbridge-Warning headers ([{field, detail}]): RFC 8941 strings, each with its
 * field as a parameter, the headers joined by commas. */
export function warningsOf(headers) {
  const v = headers.get('Shmbridge-Warning') || '';
  const unescape = (s) => s.replace(/\\(["\\])/g, '$1');
  const out = [];
  for (const m of v.matchAll(/"((?:[^"\\]|\\["\\])*)"(?:;field="((?:[^"\\]|\\["\\])*)")?/g)) {
    out.push({ field: unescape(m[2] || ''), detail: unescape(m[1]) });
  }
  return out;
}

export const post = (path, json) => call('POST', path, { json: json ?? {} });

/** Logs this tab in with {token} (the login form) or {code} (the one-time code of the daemon's login link). */
export async function login(body) {
  const res = await fetch('/v1/sessions', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
    credentials: 'omit',
  });
  if (!res.ok) throw await problemOf(res);
  sessionStorage.setItem(KEY, JSON.stringify(await res.json()));
}

/** Whether this tab holds a session. */
export const hasSession = () => session() !== null;

/** Renews the session when less than half its life is left (a dashboard left open for days stays logged in). */
export async function renew() {
  const s = session();
  if (!s || Date.parse(s.expires_at) - Date.now() > 12 * 3600 * 1000) return;
  sessionStorage.setItem(KEY, JSON.stringify(await post('/v1/sessions')));
}

/** Ends the session at the daemon and forgets it here. */
export async function logout() {
  try {
    if (hasSession()) await call('DELETE', '/v1/sessions/current');
  } finally {
    sessionStorage.removeItem(KEY);
  }
}

/** Reads n bytes at off of a mapping. */
export function readBytes(name, off, n) {
  return get(objectPath('mapping', name, `/data?offset=${off}&length=${n}`), { as: 'bytes' });
}

/** Writes bytes (a Uint8Array) at off. */
export function writeAt(name, off, bytes) {
  return call('PUT', objectPath('mapping', name, `/data?offset=${off}`), { body: bytes });
}

/** Writes text at off, converted to encoding and NUL-terminated. */
export function writeText(name, off, text, encoding) {
  return call('PUT', objectPath('mapping', name, `/data?offset=${off}&encoding=${encoding}&nul=true`), {
    body: text,
    headers: { 'Content-Type': 'text/plain; charset=utf-8' },
  });
}

/**
 * A watch stream (Server-Sent Events, read with fetch so that it carries the session) that reconnects by itself
 * after a pause when it drops (the daemon restarting, a network error), slower each time. on(type, data) gets
 * each message's parsed JSON; status(state) gets 'connecting', 'live', 'reconnecting' or 'ended'.
 */
export class Stream {
  constructor(url, on, status) {
    this.url = url;
    this.on = on;
    this.status = status;
    this.retry = 500;
    this.closed = false;
    this.open();
  }

  async open() {
    this.status('connecting');
    const abort = (this.abort = new AbortController());
    const sent = session();
    try {
      const res = await fetch(this.url, {
        headers: { ...authHeaders(sent), Accept: 'text/event-stream' },
        credentials: 'omit',
        cache: 'no-store',
        signal: abort.signal,
      });
      if (res.status === 401) {
        this.close();
        this.status('ended');
        unauthorized(await problemOf(res), sent);
        return;
      }
      if (!res.ok) throw await problemOf(res);
      this.retry = 500;
      this.status('live');
      await this.read(res.body);
    } catch {
      // dropped, refused or aborted: reconnect below, unless closed
    }
    if (this.closed) return;
    this.status('reconnecting');
    this.timer = setTimeout(() => this.open(), this.retry);
    this.retry = Math.min(this.retry * 2, 10000);
  }

  /** Reads the stream's events until it ends (text/event-stream: lines, a blank line ends an event). */
  async read(body) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let parts = []; // of the line being read: a message of megabytes comes in many chunks
    let type = '';
    let data = [];
    const line = (l) => {
      if (l.endsWith('\r')) l = l.slice(0, -1);
      if (l === '') {
        if (data.length) this.dispatch(type || 'message', data.join('\n'));
        type = '';
        data = [];
        return;
      }
      if (l[0] === ':') return; // a comment: the keep-alive
      const c = l.indexOf(':');
      const field = c < 0 ? l : l.slice(0, c);
      let value = c < 0 ? '' : l.slice(c + 1);
      if (value[0] === ' ') value = value.slice(1);
      if (field === 'event') type = value;
      else if (field === 'data') data.push(value);
    };
    while (!this.closed) {
      const { value, done } = await reader.read();
      if (done) return;
      let start = 0;
      for (let i; (i = value.indexOf('\n', start)) >= 0; start = i + 1) {
        parts.push(value.slice(start, i));
        line(parts.join(''));
        parts = [];
      }
      if (start < value.length) parts.push(value.slice(start));
    }
  }

  dispatch(type, text) {
    if (this.closed) return;
    const data = JSON.parse(text);
    if (type === 'closed') {
      this.close();
      this.status('ended');
    }
    this.on(type, data);
  }

  close() {
    this.closed = true;
    clearTimeout(this.timer);
    this.abort?.abort();
  }
}
