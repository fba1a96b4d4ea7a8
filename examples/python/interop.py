#!/usr/bin/env python3
"""Python's multiprocessing.shared_memory and shmbridge on the same memory (Linux: both are /dev/shm).

  1. The daemon creates a mapping and writes; Python attaches and reads it, writes back; the daemon reads that.
  2. Python creates the memory; the daemon opens it, reads what Python wrote and writes; Python reads that.

Attaching safely: before Python 3.13, SharedMemory(name=...) registers the name with the resource tracker,
which shm_unlink-s it when the process exits (cpython gh-82300) -- even though another program made it: the
daemon would keep a name nobody else can open (its mapping JSON then says "unlinked": true). On 3.13+ pass
track=False; before, unregister it right after attaching.

    python3 interop.py
"""
import json
import os
import subprocess
import sys
import time
from multiprocessing import resource_tracker, shared_memory

from example import Problem, call, obj


def attach(name):
    """Attaches to memory another program made, without ever unlinking it."""
    if sys.version_info >= (3, 13):
        return shared_memory.SharedMemory(name=name, track=False)
    shm = shared_memory.SharedMemory(name=name)
    resource_tracker.unregister(shm._name, "shared_memory")  # gh-82300: not ours to unlink
    return shm


def reader(name):
    """In a process of its own (the resource tracker acts when a process exits): attach, read, write back."""
    shm = attach(name)
    try:
        got = bytes(shm.buf[:15])
        assert got == b"from the daemon", got
        shm.buf[100:111] = b"from Python"
    finally:
        shm.close()


def daemon_to_python():
    name = f"py-interop-daemon-{os.getpid()}"  # on Linux, Local\X, Global\X and X are all /dev/shm/X
    call("POST", "/v1/mappings", {"name": name, "size": 4096})
    try:
        call("PUT", obj("mappings", name, "/data?offset=0"), data=b"from the daemon\0")
        subprocess.run([sys.executable, __file__, "reader", name], check=True)
        back = call("GET", obj("mappings", name, "/data?offset=100&length=11"))
        assert back == b"from Python", back
        # The reader's resource tracker acts shortly after the reader exits: the name must still be there then.
        for _ in range(20):
            time.sleep(0.05)
            m = json.loads(call("GET", obj("mappings", name)))
            assert not m.get("unlinked"), "the reader's exit removed the name: " + str(m)
        print("daemon -> Python -> daemon: ok (the name survived the reader's exit)")
    finally:
        call("DELETE", obj("mappings", name, "?unlink=true"))


def python_to_daemon():
    shm = shared_memory.SharedMemory(create=True, size=4096)  # Python's own: it unlinks it below
    try:
        shm.buf[:15] = b"from Python too"
        call("POST", "/v1/mappings", {"name": shm.name, "mode": "open"})
        try:
            got = call("GET", obj("mappings", shm.name, "/data?length=15"))
            assert got == b"from Python too", got
            call("PUT", obj("mappings", shm.name, "/data?offset=200"), data=b"from the daemon")
            assert bytes(shm.buf[200:215]) == b"from the daemon"
        finally:
            call("DELETE", obj("mappings", shm.name))  # no unlink: the name is Python's
        print("Python -> daemon -> Python: ok")
    finally:
        shm.close()
        shm.unlink()


if __name__ == "__main__":
    if sys.argv[1:2] == ["reader"]:
        reader(sys.argv[2])
        sys.exit(0)
    try:
        daemon_to_python()
        python_to_daemon()
    except Problem as p:
        sys.exit(f"shmbridge: {p}")
