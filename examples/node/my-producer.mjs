// Your own producer's struct, decoded live, from Node.js (18+): a layout for it (../layouts/my_car.ksy),
// saved in the daemon, and a stream of its fields as they change, read with the `eventsource` package (npm ci
// here first). A browser's EventSource cannot send an Authorization header; this package takes a `fetch` that
// adds it.
//
// The script plays the native producer too (it writes frames through PATCH …/fields, which writes as a
// producer does: the seqlock's counter odd around each frame). Against a real program, leave that out.
//
//   npm ci && node my-producer.mjs

import { readFileSync } from 'node:fs';
import { EventSource } from 'eventsource';
import { TOKEN, URL, call, obj } from './shmbridge.mjs';

/** Applies a fields message to the state: objects merge by key, an object into an array by item index. */
function merge(state, patch) {
  for (const [k, v] of Object.entries(patch)) {
    const key = Array.isArray(state) ? Number(k) : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && typeof state[key] === 'object' && state[key] !== null) merge(state[key], v);
    else state[key] = v;
  }
}

const ksy = readFileSync(new globalThis.URL('../layouts/my_car.ksy', import.meta.url));
await fetch(URL + obj('layouts', 'my_car'), {
  method: 'PUT', body: ksy, headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/yaml' },
}).then((res) => { if (!res.ok) throw new Error(`PUT the layout: ${res.status}`); });
const name = `Local\\node-my-car-${process.pid}`;
const m = await (await call('POST', '/v1/mappings', { json: { name, size: 44, layout: 'my_car' } })).json();
try {
  const producer = async () => { // a native program's frames: here, through the API
    for (let lap = 1; lap <= 5; lap++) {
      await new Promise((r) => setTimeout(r, 50));
      await call('PATCH', obj('mappings', name, '/fields'),
        { json: { speed: 20 * lap, gear: Math.min(lap, 3), tyre_temp: [70 + lap, 71, 72, 73], driver: 'Ayrton' } });
    }
  };
  // The decoded stream: a snapshot of the selected fields, then only what changed ("frames": how many frames
  // the producer made since the last message; more than 1 when they came faster than the interval).
  const state = await new Promise((resolve, reject) => {
    const es = new EventSource(URL + obj('mappings', name, '/watch?layout=my_car&fields=speed,kmh,gear,tyre_temp&interval=10ms'), {
      fetch: (input, init) => fetch(input, { ...init, headers: { ...init.headers, Authorization: `Bearer ${TOKEN}` } }),
    });
    let state;
    const show = (event, msg) => console.log(`  ${event}: frames ${msg.frames ?? '-'}, version ${msg.version}:`, JSON.stringify(state));
    es.addEventListener('snapshot', (e) => {
      const msg = JSON.parse(e.data);
      state = msg.fields;
      show('snapshot', msg);
      producer().catch(reject);
    });
    es.addEventListener('fields', (e) => {
      const msg = JSON.parse(e.data);
      merge(state, msg.fields);
      show('fields', msg);
      if (state.speed === 100) { es.close(); resolve(state); }
    });
    es.addEventListener('error', (e) => { es.close(); reject(new Error(`the stream: ${e.message ?? e.type}`)); });
  });
  const want = { speed: 100, kmh: 360, gear: 'third', tyre_temp: [75, 71, 72, 73] };
  if (JSON.stringify(state) !== JSON.stringify(want)) throw new Error(`the last frame: ${JSON.stringify(state)}`);
  console.log('my_car: the last frame, decoded:', state);
} finally {
  await call('DELETE', obj('mappings', name, '?unlink=' + m.created));
  await call('DELETE', obj('layouts', 'my_car'));
}
