// The overlay's one script: a decoded watch stream of the mapping (GET /v1/mappings/{name}/watch?layout=&fields=),
// read with EventSource and a read token in the query (?access_token=: a browser source cannot send a header),
// its snapshot and `fields` patches merged into the state shown. It connects again after the daemon restarts,
// and says so when its token is refused (revoked, expired).

const conf = Object.fromEntries(new URLSearchParams(location.hash.slice(1)))
const mapping = conf.mapping || 'Local\\acpmf_physics'
const layout = conf.layout || 'acc_physics'
const [speed, gear, rpm, throttle, brake] = (conf.fields || 'speed_kmh,gear,rpms,gas,brake').split(',')
const token = conf.access_token || ''
const $ = (id) => document.getElementById(id)
const retry = 1000 // ms before connecting again

let state = {}

// merge applies a `fields` message to the state (docs/watch.md: objects key by key, an object of indexes into an
// array item by item, anything else replaces).
function merge (into, patch) {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch) || into === null || typeof into !== 'object') return patch
  for (const [k, v] of Object.entries(patch)) into[k] = merge(into[k], v)
  return into
}

// at reads a field by its path (a.b[2].c).
function at (obj, path) {
  return path.split(/[.[\]]+/).filter(Boolean).reduce((o, k) => (o == null ? undefined : o[k]), obj)
}

function gearText (g) {
  if (typeof g !== 'number') return '–'
  if (conf.gears === 'plain') return String(g)
  return g === 0 ? 'R' : g === 1 ? 'N' : String(g - 1)
}

const bar = (el, v) => { el.style.width = `${Math.round(Math.min(Math.max(Number(v) || 0, 0), 1) * 100)}%` }

function show () {
  const s = at(state, speed)
  $('speed').textContent = typeof s === 'number' ? Math.round(s) : '–'
  $('gear').textContent = gearText(at(state, gear))
  const r = at(state, rpm)
  $('rpm').textContent = typeof r === 'number' ? Math.round(r) : '–'
  bar($('throttle'), at(state, throttle))
  bar($('brake'), at(state, brake))
}

function say (kind, text) {
  $('overlay').dataset.state = kind
  $('status').textContent = text
}

function url () {
  const q = new URLSearchParams({ layout, fields: [speed, gear, rpm, throttle, brake].join(','), interval: '50ms' })
  if (token) q.set('access_token', token)
  return `/v1/mappings/${encodeURIComponent(mapping)}/watch?${q}`
}

// refused asks the daemon why the stream would not open: a 401 is a token it no longer takes.
async function refused () {
  try {
    const q = token ? `?access_token=${encodeURIComponent(token)}` : ''
    const r = await fetch(`/v1/mappings/${encodeURIComponent(mapping)}${q}`)
    if (r.status === 401 || r.status === 403) {
      const p = await r.json().catch(() => ({}))
      return p.detail || `the daemon answered ${r.status}`
    }
  } catch { /* the daemon is away: connect again */ }
  return ''
}

function connect () {
  const es = new EventSource(url())
  const take = (whole) => (e) => {
    const m = JSON.parse(e.data)
    state = whole ? m.fields : merge(state, m.fields)
    show()
    say('live', '')
  }
  es.addEventListener('snapshot', take(true))
  es.addEventListener('fields', take(false))
  es.addEventListener('closed', (e) => {
    es.close()
    const reason = JSON.parse(e.data || '{}').reason || ''
    if (reason === 'revoked' || reason === 'expired') return say('revoked', `token ${reason}: make a new link`)
    say('connecting', `stream ended (${reason || 'closed'}): connecting again…`)
    setTimeout(connect, retry)
  })
  es.onerror = async () => {
    es.close()
    const why = await refused()
    if (why) return say('revoked', `refused: ${why}`)
    say('connecting', 'daemon away: connecting again…')
    setTimeout(connect, retry)
  }
}

connect()
