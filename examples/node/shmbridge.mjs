// The examples' few helpers: where the daemon is, its token, a request that throws the daemon's problems, and
// the path of a named object. Standard Node.js (18+), no packages.

import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const URL = (process.env.SHMBRIDGE_URL ?? 'http://127.0.0.1:8765').replace(/\/$/, '');

/** Where the daemon keeps its token: %APPDATA%\shmbridge\token on Windows, else ~/.config/shmbridge/token. */
function tokenFile() {
  if (process.platform === 'win32') return join(process.env.APPDATA, 'shmbridge', 'token');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'shmbridge', 'token');
  return join(process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'shmbridge', 'token');
}

export const TOKEN = process.env.SHMBRIDGE_TOKEN || readFileSync(tokenFile(), 'utf8').trim();

/** An RFC 9457 problem the daemon answered: branch on .type, show .title and .detail. */
export class Problem extends Error {
  constructor(status, p) {
    super(`${status} ${p.title}: ${p.detail}`);
    Object.assign(this, { status, type: p.type, title: p.title, detail: p.detail });
  }
}

/** Sends a request; answers the response (its body unread). Names in path must be encoded (see obj). */
export async function call(method, path, { json, data, text } = {}) {
  const headers = { Authorization: `Bearer ${TOKEN}` };
  let body;
  if (json !== undefined) [headers['Content-Type'], body] = ['application/json', JSON.stringify(json)];
  else if (data !== undefined) [headers['Content-Type'], body] = ['application/octet-stream', data];
  else if (text !== undefined) [headers['Content-Type'], body] = ['text/plain; charset=utf-8', text];
  const res = await fetch(URL + path, { method, headers, body });
  if (!res.ok) throw new Problem(res.status, await res.json().catch(() => ({})));
  return res;
}

/** The path of a mapping, event or mutex. A literal \ in a URL becomes / (and the request 404s): encode the name. */
export const obj = (kind, name, rest = '') => `/v1/${kind}/${encodeURIComponent(name)}${rest}`;
