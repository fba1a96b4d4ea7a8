// Pure functions over bytes and times: no DOM, no network (the browser test runs them in Node too).

const hex2 = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** The byte's class, after hexyl: null, print (printable ASCII), space (ASCII whitespace), ascii (other
 * ASCII, control characters), high (non-ASCII). */
export function byteClass(b) {
  if (b === 0) return 'null';
  if (b === 0x20 || (b >= 0x09 && b <= 0x0d)) return 'space';
  if (b > 0x20 && b < 0x7f) return 'print';
  if (b < 0x80) return 'ascii';
  return 'high';
}

/** The character the text column shows for b: itself if printable, else hexyl's marks. */
export function byteChar(b) {
  switch (byteClass(b)) {
    case 'print': return String.fromCharCode(b);
    case 'null': return '⋄';
    case 'space': return '_';
    case 'ascii': return '•';
    default: return '×';
  }
}

export const hexByte = (b) => hex2[b];

/** The address column: at least 8 hex digits. */
export function hexOffset(n) {
  return n.toString(16).padStart(8, '0');
}

/** Parses an offset typed by a person: decimal, 0x-prefixed hex, or a bare hex string with a-f in it. */
export function parseOffset(text) {
  const t = text.trim().toLowerCase().replace(/_/g, '');
  let n;
  if (/^0x[0-9a-f]+$/.test(t)) n = parseInt(t.slice(2), 16);
  else if (/^[0-9]+$/.test(t)) n = parseInt(t, 10);
  else if (/^[0-9a-f]+$/.test(t)) n = parseInt(t, 16);
  else return NaN;
  return Number.isSafeInteger(n) ? n : NaN;
}

/** The values the inspector shows for the bytes at the start of b (a Uint8Array): each entry is
 * [label, text], text '—' when b is too short. */
export function inspect(b, littleEndian) {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const have = (n) => b.byteLength >= n;
  const row = (label, n, f) => [label, have(n) ? String(f()) : '—'];
  return [
    row('int8', 1, () => dv.getInt8(0)),
    row('uint8', 1, () => dv.getUint8(0)),
    row('int16', 2, () => dv.getInt16(0, littleEndian)),
    row('uint16', 2, () => dv.getUint16(0, littleEndian)),
    row('int32', 4, () => dv.getInt32(0, littleEndian)),
    row('uint32', 4, () => dv.getUint32(0, littleEndian)),
    row('int64', 8, () => dv.getBigInt64(0, littleEndian)),
    row('uint64', 8, () => dv.getBigUint64(0, littleEndian)),
    row('float32', 4, () => dv.getFloat32(0, littleEndian)),
    row('float64', 8, () => dv.getFloat64(0, littleEndian)),
    ['UTF-8', utf8Char(b)],
    ['UTF-16', utf16Char(b, littleEndian)],
  ];
}

/** The UTF-8 character that starts b, shown with its code point, or '—' if b does not start one. */
export function utf8Char(b) {
  const lead = b[0];
  const len = lead < 0x80 ? 1 : lead >= 0xc2 && lead < 0xe0 ? 2 : lead >= 0xe0 && lead < 0xf0 ? 3 : lead >= 0xf0 && lead < 0xf5 ? 4 : 0;
  if (!len || b.byteLength < len) return '—';
  try {
    return describeChar(new TextDecoder('utf-8', { fatal: true }).decode(b.subarray(0, len)));
  } catch {
    return '—';
  }
}

/** The UTF-16 character (a surrogate pair too) that starts b. */
export function utf16Char(b, littleEndian) {
  if (b.byteLength < 2) return '—';
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const u = dv.getUint16(0, littleEndian);
  if (u >= 0xdc00 && u < 0xe000) return '—';
  if (u >= 0xd800 && u < 0xdc00) {
    if (b.byteLength < 4) return '—';
    const lo = dv.getUint16(2, littleEndian);
    if (lo < 0xdc00 || lo >= 0xe000) return '—';
    return describeChar(String.fromCharCode(u, lo));
  }
  return describeChar(String.fromCharCode(u));
}

function describeChar(s) {
  const cp = s.codePointAt(0);
  const shown = cp < 0x20 || (cp >= 0x7f && cp < 0xa0) ? '' : `'${s}' `;
  return `${shown}U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The text at the start of b up to the first NUL (a NUL code unit for UTF-16LE), decoded. */
export function textUpToNul(b, encoding) {
  let end = b.byteLength;
  if (encoding === 'utf-16le') {
    for (let i = 0; i + 1 < b.byteLength; i += 2) if (b[i] === 0 && b[i + 1] === 0) { end = i; break; }
    end -= end % 2;
  } else {
    const i = b.indexOf(0);
    if (i >= 0) end = i;
  }
  return new TextDecoder(encoding).decode(b.subarray(0, end));
}

/** Bytes as copied text: hex ("de ad be ef"), base64, or a C array. */
export function formatBytes(b, how) {
  switch (how) {
    case 'hex':
      return Array.from(b, hexByte).join(' ');
    case 'base64': {
      let s = '';
      for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
      return btoa(s);
    }
    case 'c': {
      const lines = [];
      for (let i = 0; i < b.length; i += 12) lines.push('  ' + Array.from(b.subarray(i, i + 12), (x) => '0x' + hexByte(x)).join(', '));
      return `const unsigned char data[${b.length}] = {\n${lines.join(',\n')}\n};`;
    }
  }
  throw new Error('unknown format ' + how);
}

/** Decodes a base64 string into bytes. */
export function fromBase64(s) {
  const bin = atob(s);
  const b = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) b[i] = bin.charCodeAt(i);
  return b;
}

/** What the Changed column says of a mapping: "changed 2 s ago" or "unchanged for 5 min" while a watch stream
 * samples it (then the daemon sees any program's writes), "not watched" while nothing does: its last_change_at
 * then tells only of the API's writes, and "stale" would be a guess. */
export function freshness(m, now = Date.now()) {
  if (!m.watched) return 'not watched';
  if (!m.last_change_at) return 'no change seen';
  const s = Math.max(0, Math.round((now - Date.parse(m.last_change_at)) / 1000));
  return s < 60 ? `changed ${s} s ago` : `unchanged for ${duration(s)}`;
}

/** A duration in seconds, roughly: 45 s, 5 min, 3 h, 2 d. */
export function duration(s) {
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86400) return `${Math.floor(s / 3600)} h`;
  return `${Math.floor(s / 86400)} d`;
}

/** A size in bytes, readably: 4 KiB, 1 GiB, 1000 B. */
export function size(n) {
  if (n == null) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && v % 1024 === 0 && i < units.length - 1) { v /= 1024; i++; }
  return `${v} ${units[i]}`;
}

/** Parses a size typed by a person: 4096, 64k, 1 MiB, 1GiB (K, M, G are powers of 1024). */
export function parseSize(text) {
  const m = /^\s*(\d+)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?\s*$/i.exec(text);
  if (!m) return NaN;
  const mult = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(m[2] || '').toLowerCase()[0] || ''];
  const n = Number(m[1]) * mult;
  return Number.isSafeInteger(n) ? n : NaN;
}

/**
 * s as it should display: the characters that do not show as themselves (controls, bidirectional-text and other
 * format characters, line separators) escaped as a visible \u{…}. A name with U+202E must not display as
 * another name.
 */
export function printable(s) {
  return s.replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, (c) => `\\u{${c.codePointAt(0).toString(16)}}`);
}
