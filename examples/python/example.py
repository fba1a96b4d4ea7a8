#!/usr/bin/env python3
"""A tour of shmbridge from Python, standard library only (3.8+, any OS).

Finds the daemon like the daemon does (SHMBRIDGE_URL, default http://127.0.0.1:8765; SHMBRIDGE_TOKEN, else
the token file), then: creates a mapping, writes and reads bytes and UTF-16LE text, waits for an event,
decodes and writes fields by a layout, follows the watch stream for a few changes, handles a problem by its type, and closes everything.

    python3 example.py
"""
import json
import os
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

URL = os.environ.get("SHMBRIDGE_URL", "http://127.0.0.1:8765").rstrip("/")


def token_file():
    """Where the daemon keeps its token: %APPDATA%\\shmbridge\\token on Windows, else ~/.config/shmbridge/token."""
    if os.name == "nt":
        return os.path.join(os.environ["APPDATA"], "shmbridge", "token")
    if sys.platform == "darwin":
        return os.path.expanduser("~/Library/Application Support/shmbridge/token")
    config = os.environ.get("XDG_CONFIG_HOME") or os.path.expanduser("~/.config")
    return os.path.join(config, "shmbridge", "token")


def token():
    if os.environ.get("SHMBRIDGE_TOKEN"):
        return os.environ["SHMBRIDGE_TOKEN"]
    with open(token_file(), encoding="utf-8") as f:
        return f.read().strip()


TOKEN = token()


class Problem(Exception):
    """An RFC 9457 problem the daemon answered: branch on .type, show .title and .detail."""

    def __init__(self, status, body):
        p = json.loads(body) if body else {}
        self.status, self.type = status, p.get("type", "")
        self.title, self.detail = p.get("title", ""), p.get("detail", "")
        super().__init__(f"{status} {self.title}: {self.detail}")


def call(method, path, json_body=None, data=None, text=None, timeout=30):
    """Sends a request; answers the response's bytes. Names in path must be quoted (see obj)."""
    headers = {"Authorization": "Bearer " + TOKEN}
    body = None
    if json_body is not None:
        # urllib sends a form type unless told: the daemon refuses that (any web page could send it).
        headers["Content-Type"], body = "application/json", json.dumps(json_body).encode()
    elif data is not None:
        headers["Content-Type"], body = "application/octet-stream", data
    elif text is not None:
        headers["Content-Type"], body = "text/plain; charset=utf-8", text.encode()
    req = urllib.request.Request(URL + path, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as res:
            return res.read()
    except urllib.error.HTTPError as e:
        raise Problem(e.code, e.read()) from None


def obj(kind, name, rest=""):
    """The path of a mapping, event or mutex: a name's backslash must be percent-encoded (Local%5CX)."""
    return f"/v1/{kind}/{urllib.parse.quote(name, safe='')}{rest}"


def watch(name, n, on_ready):
    """Follows a mapping's watch stream (Server-Sent Events) for n messages after the snapshot."""
    req = urllib.request.Request(URL + obj("mappings", name, "/watch?interval=10ms&length=8"),
                                 headers={"Authorization": "Bearer " + TOKEN})
    seen = []
    with urllib.request.urlopen(req, timeout=30) as res:
        event = None
        for raw in res:  # one line at a time, as they come
            line = raw.decode().rstrip("\n")
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: "):
                msg = json.loads(line[6:])
                seen.append((event, msg))
                print(f"  {event}: seq {msg['seq']}", msg.get("spans") or msg.get("data"))
                if event == "snapshot":
                    on_ready()
                if len(seen) > n:
                    return seen
    return seen


def main():
    name = f"Local\\py-example-{os.getpid()}"
    ev = f"Local\\py-example-ready-{os.getpid()}"
    m = json.loads(call("POST", "/v1/mappings", {"name": name, "size": 4096, "mode": "open_or_create"}))
    print("mapping:", m["name"], m["size"], "bytes,", "created" if m["created"] else "opened")
    try:
        # Fields: a layout (Kaitai Struct, here as JSON) says what the bytes are; the daemon decodes them, one
        # consistent frame at a time (a seqlock: seq is odd while a producer writes), and writes fields by name.
        lid = f"py_example_{os.getpid()}"
        call("PUT", obj("layouts", lid), {
            "meta": {"id": lid, "endian": "le", "-shmbridge": {"consistency": {"seqlock": "seq"}}},
            "seq": [{"id": "seq", "type": "u4"}, {"id": "speed", "type": "f4"}, {"id": "gear", "type": "s1"},
                    {"id": "driver", "type": "strz", "size": 16, "encoding": "UTF-8"}]})
        call("PATCH", obj("mappings", name, f"/fields?layout={lid}"), {"speed": 61.5, "gear": 3, "driver": "Ayrton"})
        f = json.loads(call("GET", obj("mappings", name, f"/fields?layout={lid}")))
        assert (f["speed"], f["gear"], f["driver"]) == (61.5, 3, "Ayrton"), f
        print("fields:", f)
        call("DELETE", obj("layouts", lid))

        # Bytes.
        call("PUT", obj("mappings", name, "/data?offset=0"), data=bytes([1, 2, 3, 4]))
        got = call("GET", obj("mappings", name, "/data?offset=0&length=4"))
        assert got == bytes([1, 2, 3, 4]), got
        print("bytes:", got.hex(" "))

        # UTF-16LE text, NUL-terminated, as Windows programs keep strings.
        call("PUT", obj("mappings", name, "/data?offset=64&encoding=utf-16le&nul=true"), text="Grüße, 世界")
        text = call("GET", obj("mappings", name, "/data?offset=64&as=text&encoding=utf-16le")).decode()
        assert text == "Grüße, 世界", text
        print("text:", text)

        # An event: wait for it while someone else (here a thread, usually a native program) sets it.
        call("POST", "/v1/events", {"name": ev, "manual_reset": False})
        threading.Timer(0.2, lambda: call("POST", obj("events", ev, "/set"))).start()
        r = json.loads(call("POST", obj("events", ev, "/wait?timeout=5s")))
        assert r["signaled"], r
        print("event: signaled")

        # The watch stream: a snapshot, then each change (a thread writes three).
        def writer():
            for i in range(1, 4):
                time.sleep(0.1)
                call("PUT", obj("mappings", name, "/data?offset=0"), data=bytes([0x10 + i]))

        msgs = watch(name, 3, lambda: threading.Thread(target=writer).start())
        assert [e for e, _ in msgs] == ["snapshot", "change", "change", "change"], msgs
        print("watch: snapshot and 3 changes")

        # A problem, handled by its type.
        try:
            call("POST", "/v1/mappings", {"name": name + "-missing", "mode": "open"})
        except Problem as p:
            if p.type != "urn:shmbridge:problem:not-found":
                raise
            print("problem:", p.title, "-", p.detail)
    finally:
        # Unlink only what this script created: on Linux a name outlives the daemon's handle (the next create
        # would be 409 exists), but a name a native program made is that program's: unlinking it would remove
        # its object while it runs.
        call("DELETE", obj("mappings", name, "?unlink=" + ("true" if m["created"] else "false")))
        try:
            call("DELETE", obj("events", ev, "?unlink=true"))
        except Problem as p:
            if p.type != "urn:shmbridge:problem:not-found":
                raise
    print("closed: ok")


if __name__ == "__main__":
    main()
