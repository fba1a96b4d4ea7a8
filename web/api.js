// The REST API from the page: fetch with the login cookie (same origin), problems as errors.

/** An RFC 9457 problem the daemon answered, as an Error: title and detail are what the page shows. */
export class Problem extends Error {
  constructor(status, p) {
    super(p.detail || p.title || `HTTP ${status}`);
    this.status = status;
    this.type = p.type || '';
    this.title = p.title || `HTTP ${status}`;
    this.detail = p.detail || '';
  }
}

/** Called with every 401: the page then asks for the token. */
let onUnauthorized = () => {};
export function whenUnauthorized(f) {
  onUnauthorized = f;
}

/** The path of an object: names carry backslashes (Local\X), which a URL must not hold as they are. */
export function objectPath(kind, name, rest = '') {
  const plural = kind === 'mutex' ? 'mutexes' : kind + 's';
  return `/v1/${plural}/${encodeURIComponent(name)}${rest}`;
}

/** Sends a request; answers the parsed JSON, the bytes (as: 'bytes'), the text (as: 'text') or null for 204. */
export async function call(method, path, { json, body, headers = {}, as } = {}) {
  const init = { method, headers: { ...headers }, credentials: 'same-origin' };
  if (json !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(json);
  } else if (body !== undefined) {
    init.headers['Content-Type'] ??= 'application/octet-stream';
    init.body = body;
  }
  const res = await fetch(path, init);
  if (!res.ok) {
    let p = {};
    try {
      p = await res.json();
    } catch {
      // not a problem document: the status says it
    }
    const err = new Problem(res.status, p);
    if (res.status === 401) onUnauthorized(err);
    throw err;
  }
  if (res.status === 204) return null;
  if (as === 'bytes') return new Uint8Array(await res.arrayBuffer());
  if (as === 'text') return res.text();
  return res.json();
}

export const get = (path, opts) => call('GET', path, opts);
export const post = (path, json) => call('POST', path, { json: json ?? {} });

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
 * A watch stream that reconnects by itself: an EventSource (authenticated by the login cookie), reopened
 * after a pause when the browser gives up on it (a 4xx, or the daemon restarting). on(type, data) gets each
 * message's parsed JSON; status(state) gets 'connecting', 'live', 'reconnecting' or 'ended'.
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

  open() {
    this.status('connecting');
    const es = (this.es = new EventSource(this.url));
    es.onopen = () => {
      this.retry = 500;
      this.status('live');
    };
    for (const type of ['snapshot', 'change', 'signal', 'closed']) {
      es.addEventListener(type, (e) => {
        const data = JSON.parse(e.data);
        if (type === 'closed') {
          this.close();
          this.status('ended');
        }
        this.on(type, data);
      });
    }
    es.onerror = () => {
      if (this.closed) return;
      if (es.readyState === EventSource.CLOSED) {
        // The browser gave up (an error status): try again later, slower each time.
        this.status('reconnecting');
        this.timer = setTimeout(() => this.open(), this.retry);
        this.retry = Math.min(this.retry * 2, 10000);
      } else {
        this.status('reconnecting'); // the browser reconnects by itself
      }
    };
  }

  close() {
    this.closed = true;
    clearTimeout(this.timer);
    this.es?.close();
  }
}
