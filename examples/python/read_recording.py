#!/usr/bin/env python3
"""Reads a shmbridge recording without the daemon (standard library only, 3.8+): the format of docs/recordings.md.

    python3 read_recording.py FILE.shmrec            # a summary, as JSON
    python3 read_recording.py FILE.shmrec --frames   # and each frame: time, counter, the range's SHA-256

A recording cut short (the daemon killed, the disk full) reads up to its last whole frame: the summary says
where it was cut ("cut_short_at").
"""
import hashlib
import json
import struct
import sys

MAGIC = b"SHMREC\x00\x01"


def _table():
    t = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ (0x82F63B78 & -(c & 1))
        t.append(c)
    return t


_CRC = _table()


def crc32c(data, crc=0):
    """CRC-32C (Castagnoli), the checksum after each record."""
    crc ^= 0xFFFFFFFF
    for b in data:
        crc = _CRC[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


class Recording:
    """The header, then frames() yields (time_ns, counter, bytes) for each frame, the whole range each time."""

    def __init__(self, f):
        self.f, self.end, self.cut_short_at, self.damaged = f, None, None, None
        if f.read(len(MAGIC)) != MAGIC:
            raise ValueError("not a shmbridge recording")
        self.offset = len(MAGIC)
        kind, body = self._record()
        if kind != b"h":
            raise ValueError("no header")
        self.header = json.loads(body)

    def _record(self):
        at = self.offset
        head = self.f.read(5)
        if not head:
            return None, None  # the end of the file, at a record boundary
        if len(head) < 5:
            self.cut_short_at = at
            return None, None
        length, kind = struct.unpack("<IB", head)
        rest = self.f.read(length + 4)
        if len(rest) < length + 4:
            self.cut_short_at = at
            return None, None
        body, (crc,) = rest[:length], struct.unpack("<I", rest[length:])
        if crc32c(body, crc32c(head[4:])) != crc:
            self.damaged = at
            return None, None
        self.offset += 5 + length + 4
        return bytes([kind]), body

    def frames(self):
        cur = None
        while True:
            kind, body = self._record()
            if kind is None:
                return
            if kind == b"e":
                self.end = json.loads(body)
                return
            t, counter = struct.unpack_from("<qQ", body)
            data = body[16:]
            if kind == b"s":
                cur = bytearray(data)
            else:  # a delta: spans of (offset u32, length u32, bytes)
                i = 0
                while i < len(data):
                    off, n = struct.unpack_from("<II", data, i)
                    cur[off:off + n] = data[i + 8:i + 8 + n]
                    i += 8 + n
            yield t, counter, bytes(cur)


def main():
    path, show = sys.argv[1], "--frames" in sys.argv[2:]
    with open(path, "rb") as f:
        rec = Recording(f)
        n, first, last, digest = 0, None, None, None
        for t, counter, data in rec.frames():
            n += 1
            first = first if first is not None else t
            last, digest = t, hashlib.sha256(data).hexdigest()
            if show:
                print(json.dumps({"time_ns": t, "counter": counter, "sha256": digest}))
        h = rec.header
        print(json.dumps({"mapping": h["mapping"], "layout": h.get("layout"), "length": h["length"],
                          "imports": sorted(h.get("layout_imports", {})),
                          "frames": n, "seconds": (last - first) / 1e9 if n > 1 else 0, "last_sha256": digest,
                          "end": rec.end, "cut_short_at": rec.cut_short_at, "damaged_at": rec.damaged}))


if __name__ == "__main__":
    main()
