// A tour of shmbridge from Node.js (18+): built-in fetch, ES modules, no packages.
//
// Finds the daemon like the daemon does (SHMBRIDGE_URL, default http://127.0.0.1:8765; SHMBRIDGE_TOKEN, else
// the token file), then: creates a mapping, writes and reads bytes and UTF-16LE text, waits for an event,
// follows the watch stream for a few changes, handles a problem by its type, and closes everything.
//
//   node example.mjs

import { call, obj, Problem } from './shmbridge.mjs';

/** Follows a mapping's watch stream (Server-Sent Events) for n messages after the snapshot. */
async function watch(name, n, onReady) {
  const res = await call('GET', obj('mappings', name, '/watch?interval=10ms&length=8'));
  const seen = [];
  let buf = '';
  let event;
  const decoder = new TextDecoder();
  for await (const chunk of res.body) {
    buf += decoder.decode(chunk, { stream: true });
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) {
        const msg = JSON.parse(line.slice(6));
        seen.push([event, msg]);
        console.log(`  ${event}: seq ${msg.seq}`, JSON.stringify(msg.spans ?? msg.data));
        if (event === 'snapshot') onReady();
        if (seen.length > n) return seen; // leaving the loop cancels the stream
      }
    }
  }
  return seen;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const check = (ok, what) => {
  if (!ok) throw new Error(`unexpected: ${what}`);
};

const name = `Local\\node-example-${process.pid}`;
const ev = `Local\\node-example-ready-${process.pid}`;
const m = await (await call('POST', '/v1/mappings', { json: { name, size: 4096, mode: 'open_or_create' } })).json();
console.log('mapping:', m.name, m.size, 'bytes,', m.created ? 'created' : 'opened');
try {
  // Fields: a layout (Kaitai Struct, here as JSON) says what the bytes are; the daemon decodes them, one
  // consistent frame at a time (a seqlock: seq is odd while a producer writes), and writes fields by name.
  const lid = `node_example_${process.pid}`;
  await call('PUT', obj('layouts', lid), { json: {
    meta: { id: lid, endian: 'le', '-shmbridge': { consistency: { seqlock: 'seq' } } },
    seq: [{ id: 'seq', type: 'u4' }, { id: 'speed', type: 'f4' }, { id: 'gear', type: 's1' },
      { id: 'driver', type: 'strz', size: 16, encoding: 'UTF-8' }] } });
  await call('PATCH', obj('mappings', name, '/fields?layout=' + lid), { json: { speed: 61.5, gear: 3, driver: 'Ayrton' } });
  const f = await (await call('GET', obj('mappings', name, '/fields?layout=' + lid))).json();
  check(f.speed === 61.5 && f.gear === 3 && f.driver === 'Ayrton', JSON.stringify(f));
  console.log('fields:', JSON.stringify(f));
  await call('DELETE', obj('layouts', lid));

  // Bytes.
  await call('PUT', obj('mappings', name, '/data?offset=0'), { data: new Uint8Array([1, 2, 3, 4]) });
  const got = new Uint8Array(await (await call('GET', obj('mappings', name, '/data?offset=0&length=4'))).arrayBuffer());
  check(got.join() === '1,2,3,4', got);
  console.log('bytes:', Buffer.from(got).toString('hex'));

  // UTF-16LE text, NUL-terminated, as Windows programs keep strings.
  await call('PUT', obj('mappings', name, '/data?offset=64&encoding=utf-16le&nul=true'), { text: 'Grüße, 世界' });
  const text = await (await call('GET', obj('mappings', name, '/data?offset=64&as=text&encoding=utf-16le'))).text();
  check(text === 'Grüße, 世界', text);
  console.log('text:', text);

  // An event: wait for it while someone else (here a timer, usually a native program) sets it.
  await call('POST', '/v1/events', { json: { name: ev, manual_reset: false } });
  setTimeout(() => call('POST', obj('events', ev, '/set')), 200);
  const r = await (await call('POST', obj('events', ev, '/wait?timeout=5s'))).json();
  check(r.signaled, r);
  console.log('event: signaled');

  // The watch stream: a snapshot, then each change (three writes, once the snapshot is in).
  const writer = async () => {
    for (let i = 1; i <= 3; i++) {
      await sleep(100);
      await call('PUT', obj('mappings', name, '/data?offset=0'), { data: new Uint8Array([0x10 + i]) });
    }
  };
  const msgs = await watch(name, 3, writer);
  check(msgs.map(([e]) => e).join() === 'snapshot,change,change,change', msgs);
  console.log('watch: snapshot and 3 changes');

  // A problem, handled by its type.
  try {
    await call('POST', '/v1/mappings', { json: { name: `${name}-missing`, mode: 'open' } });
  } catch (p) {
    if (!(p instanceof Problem) || p.type !== 'urn:shmbridge:problem:not-found') throw p;
    console.log('problem:', p.title, '-', p.detail);
  }
} finally {
  // Unlink only what this script created: on Linux a name outlives the daemon's handle (the next create would
  // be 409 exists), but a name a native program made is that program's: unlinking it would remove its object
  // while it runs.
  await call('DELETE', obj('mappings', name, '?unlink=' + m.created));
  await call('DELETE', obj('events', ev, '?unlink=true')).catch((p) => {
    if (p.type !== 'urn:shmbridge:problem:not-found') throw p;
  });
}
console.log('closed: ok');
