// A differential test of shmbridge's layout interpreter against Kaitai Struct's own compiler and JavaScript
// runtime: each layout is compiled to JavaScript by kaitai-struct-compiler, and the same random data is
// decoded by that code and by the daemon (POST /v1/mappings/{name}/decode); the values must agree, and so must
// the failures (the daemon's 422 where Kaitai's parser throws).
//
//   SHMBRIDGE_URL=http://127.0.0.1:8765 SHMBRIDGE_TOKEN=… node .ci/oracle/oracle.mjs [-n 200] LAYOUT.ksy...
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';

const require = createRequire(import.meta.url);
const compiler = require('kaitai-struct-compiler');
const KaitaiStream = require('kaitai-struct/KaitaiStream');

const URL = (process.env.SHMBRIDGE_URL || 'http://127.0.0.1:8765').replace(/\/$/, '');
const auth = { Authorization: `Bearer ${process.env.SHMBRIDGE_TOKEN}` };
let args = process.argv.slice(2);
let rounds = 200;
if (args[0] === '-n') {
  rounds = Number(args[1]);
  args = args.slice(2);
}

const camel = (id) => id.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
const className = (id) => camel(id).replace(/^./, (c) => c.toUpperCase());

// A deterministic generator: the same data on every run.
let seed = 0x2545f491;
const rand = () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 4294967296;
};

async function load(file) {
  const ksy = yaml.load(fs.readFileSync(file, 'utf8'));
  const files = await compiler.compile('javascript', ksy, null, false);
  const dir = path.join(path.dirname(new globalThis.URL(import.meta.url).pathname), 'gen');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), '{"type": "commonjs"}');
  for (const [name, src] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), src);
  const mod = require(path.join(dir, `${className(ksy.meta.id)}.js`));
  return { ksy, Cls: mod[className(ksy.meta.id)] ?? mod, src: fs.readFileSync(file) };
}

// The value as the daemon's JSON shows it, walked by the layout: seq attributes, then instances.
function toJSON(ksy, spec, obj, scope) {
  const out = {};
  const types = { ...(scope.types || {}), ...(spec.types || {}) };
  const enums = { ...(scope.enums || {}), ...(spec.enums || {}) };
  const attrs = [...(spec.seq || []).map((a) => [a.id, a]), ...Object.entries(spec.instances || {})];
  for (const [id, a] of attrs) {
    const v = obj[camel(id)];
    if (v === undefined || v === null) continue;
    out[id] = convert(ksy, a, v, { types, enums });
  }
  return out;
}

function convert(ksy, a, v, scope) {
  if (Array.isArray(v)) return v.map((x) => convert(ksy, a, x, scope));
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return null;
    if (a.enum) return scope.enums[a.enum]?.[v] ?? v;
    return v;
  }
  if (typeof v === 'object') {
    const typeName = Object.keys(scope.types).find((t) => v instanceof Object && v.constructor.name === className(t));
    return toJSON(ksy, scope.types[typeName], v, scope);
  }
  return v;
}

function same(a, b) {
  if (typeof a === 'number' && typeof b === 'number') return a === b || Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => same(a[k], b[k]));
  }
  return a === b;
}

async function call(method, p, body, type) {
  const res = await fetch(URL + p, { method, headers: { ...auth, ...(type ? { 'Content-Type': type } : {}) }, body });
  return { status: res.status, body: await res.text() };
}

let agreed = 0;
let failedBoth = 0;
const disagreements = [];
for (const file of args) {
  const { ksy, Cls, src } = await load(file);
  for (let i = 0; i < rounds; i++) {
    const size = 1 + Math.floor(rand() * (i % 4 ? 1400 : 64)); // mostly enough for the layout, sometimes short
    const data = new Uint8Array(size);
    for (let j = 0; j < size; j++) data[j] = Math.floor(rand() * 256);
    let want;
    let wantErr = null;
    try {
      want = toJSON(ksy, ksy, new Cls(new KaitaiStream(data)), {});
    } catch (e) {
      wantErr = String(e && e.message ? e.message : e);
    }
    const name = `Local\\oracle-${process.pid}-${i}`;
    const obj = `/v1/mappings/${encodeURIComponent(name)}`;
    await call('POST', '/v1/mappings', JSON.stringify({ name, size }), 'application/json');
    await call('PUT', `${obj}/data`, data, 'application/octet-stream');
    const got = await call('POST', `${obj}/decode`, src, 'application/yaml');
    await call('DELETE', `${obj}?unlink=true`);
    if (wantErr !== null) {
      if (got.status === 422) failedBoth++;
      else disagreements.push(`${path.basename(file)} #${i} (${size} bytes): Kaitai failed (${wantErr}), the daemon answered ${got.status} ${got.body.slice(0, 200)}`);
      continue;
    }
    if (got.status !== 200) {
      disagreements.push(`${path.basename(file)} #${i} (${size} bytes): Kaitai decoded, the daemon answered ${got.status} ${got.body.slice(0, 300)}`);
      continue;
    }
    const g = JSON.parse(got.body);
    if (!same(g, want)) {
      disagreements.push(`${path.basename(file)} #${i} (${size} bytes):\n  daemon ${JSON.stringify(g).slice(0, 600)}\n  kaitai ${JSON.stringify(want).slice(0, 600)}`);
      continue;
    }
    if (agreed === 0 && process.env.ORACLE_SHOW) console.log(JSON.stringify(g));
    agreed++;
  }
}
console.log(`kaitai oracle: ${agreed + failedBoth} of ${agreed + failedBoth + disagreements.length} random inputs agree (${agreed} decoded the same, ${failedBoth} refused by both), ${args.length} layouts, kaitai-struct-compiler ${compiler.version}`);
for (const d of disagreements.slice(0, 10)) console.log('DISAGREE', d);
process.exit(disagreements.length ? 1 : 0);
