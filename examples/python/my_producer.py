#!/usr/bin/env python3
"""Your own producer's struct, decoded live: a layout for it (../layouts/my_car.ksy), saved in the daemon, and
a stream of its fields as they change (standard library only, 3.8+).

The script plays the native producer too (a thread writes frames through PATCH …/fields, which writes as a
producer does: the seqlock's counter odd around each frame). Against a real program, leave that thread out.

    python3 my_producer.py
"""
import json
import os
import threading
import time
import urllib.request

from example import TOKEN, URL, Problem, call, obj  # the tour's helpers: the daemon's address, token, requests

HERE = os.path.dirname(os.path.abspath(__file__))


def merge(state, patch):
    """Applies a fields message to the state: objects merge by key, an object into an array by item index."""
    for k, v in patch.items():
        if isinstance(state, list):
            k = int(k)
        if isinstance(v, dict) and isinstance(state[k] if isinstance(state, list) else state.get(k), (dict, list)):
            merge(state[k], v)
        else:
            state[k] = v


def main():
    with open(os.path.join(HERE, "..", "layouts", "my_car.ksy"), "rb") as f:
        ksy = f.read()
    req = urllib.request.Request(URL + obj("layouts", "my_car"), data=ksy, method="PUT",
                                 headers={"Authorization": "Bearer " + TOKEN, "Content-Type": "application/yaml"})
    urllib.request.urlopen(req).read()
    name = f"Local\\py-my-car-{os.getpid()}"
    m = json.loads(call("POST", "/v1/mappings", {"name": name, "size": 44, "layout": "my_car"}))
    try:
        def producer():  # a native program's frames: here, through the API
            for lap in range(1, 6):
                time.sleep(0.05)
                call("PATCH", obj("mappings", name, "/fields"),
                     {"speed": 20.0 * lap, "gear": min(lap, 3), "tyre_temp": [70 + lap, 71, 72, 73], "driver": "Ayrton"})

        # The decoded stream: a snapshot of the selected fields, then only what changed ("frames": how many
        # frames the producer made since the last message; more than 1 when they came faster than the interval).
        watch = urllib.request.Request(URL + obj("mappings", name, "/watch?layout=my_car&fields=speed,kmh,gear,tyre_temp&interval=10ms"),
                                       headers={"Authorization": "Bearer " + TOKEN})
        state, event = None, None
        with urllib.request.urlopen(watch, timeout=30) as res:
            for raw in res:
                line = raw.decode().rstrip("\n")
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: "):
                    msg = json.loads(line[6:])
                    if event == "snapshot":
                        state = msg["fields"]
                        threading.Thread(target=producer).start()
                    elif event == "fields":
                        merge(state, msg["fields"])
                    print(f"  {event}: frames {msg.get('frames', '-')}, version {msg.get('version')}:", json.dumps(state))
                    if state["speed"] == 100.0:
                        break
        assert state == {"speed": 100.0, "kmh": 360.0, "gear": "third", "tyre_temp": [75.0, 71.0, 72.0, 73.0]}, state
        print("my_car: the last frame, decoded:", state)
    finally:
        call("DELETE", obj("mappings", name, "?unlink=" + ("true" if m["created"] else "false")))
        call("DELETE", obj("layouts", "my_car"))


if __name__ == "__main__":
    try:
        main()
    except Problem as p:
        raise SystemExit(f"shmbridge: {p}")
