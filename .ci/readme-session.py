#!/usr/bin/env python3
"""Runs the README's curl session against a daemon, exactly as written, and checks every output line.

    python3 .ci/readme-session.py [--also COMMAND]... -- DAEMON-COMMAND...

Starts the daemon on a free port (-listen 127.0.0.1:0; the port it got is read from its start log, and the
README's 127.0.0.1:8765 is replaced by it, so a daemon the user left running is never touched), waits for
/healthz, runs each `$ command` of the ```console blocks under the README's "## The first five minutes" (the daemon
runs with -demo for it: live producers in the catalogue's mappings, and with -mqtt to a mosquitto of its own on a
free port, which replaces the docs' mqtt://127.0.0.1:1883) and "## A curl session" and
"## Synchronization" and "## Fields" and docs/watch.md's "# Live" and "## Decoded" and docs/metrics.md's "## A producer's fields" and docs/mqtt.md's first session and docs/recordings.md's "## A session" with bash (one
shell's state: what a command exports, the next one has), compares its output with the lines that follow it ("..." matches
anything). Each --also command runs against the same daemon after the session (its URL in $SHMBRIDGE_URL) and
must exit 0. Then it leaves
one mapping open and a long-poll waiting, stops the daemon with SIGINT and requires the wait to end with 503
within 5 s and a clean exit within 30 s: status 0 and "stopped closed_mappings=1" logged.
"""
import json, os, re, secrets, shutil, signal, socket, subprocess, sys, tempfile, threading, time, urllib.error, urllib.parse, urllib.request

SECTIONS = (("README.md", "## The first five minutes"), ("README.md", "## A curl session"), ("README.md", "## Synchronization"), ("README.md", "## Fields: decode by a layout"),
            ("docs/watch.md", "# Live: watch a mapping change"), ("docs/watch.md", "## Decoded: fields as they change"),
            ("docs/metrics.md", "## A producer's fields as gauges"), ("docs/mqtt.md", "# MQTT: a producer's fields to a broker"),
            ("docs/recordings.md", "## A session"))

def session(root):
    steps = []
    for path, section in SECTIONS:
        text = open(os.path.join(root, path), encoding="utf-8").read()
        block = re.search(re.escape(section) + r".*?```console\n(.*?)```", text, re.S).group(1)
        steps += parse(block)
    return steps

def parse(block):
    steps = []
    for line in block.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        else:
            steps[-1][1].append(line)
    return steps

def matches(want, got):
    pattern = ".*".join(re.escape(part) for part in want.split("..."))
    return re.fullmatch(pattern, got) is not None

def start_broker():
    """Debian's mosquitto on a free port of 127.0.0.1, anonymous (the docs' broker); its URL once it listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    conf = tempfile.NamedTemporaryFile("w", prefix="mosquitto-", suffix=".conf", delete=False)
    conf.write("listener %d 127.0.0.1\nallow_anonymous true\npersistence false\n" % port)
    conf.close()
    broker = subprocess.Popen(["mosquitto", "-c", conf.name], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    until = time.time() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if broker.poll() is not None or time.time() > until:
                raise SystemExit("mosquitto did not listen on %d" % port)
            time.sleep(0.05)
    os.remove(conf.name)
    return broker, "mqtt://127.0.0.1:%d" % port

def main():
    sep = sys.argv.index("--")
    cmd = sys.argv[sep + 1:]
    also = [a for flag, a in zip(sys.argv[1:sep], sys.argv[2:sep]) if flag == "--also"]
    steps = session(os.path.join(os.path.dirname(__file__), ".."))
    log = open("testdata/bin/daemon.log", "w+")
    # The session reads the token from $TOKEN; the daemon takes it from SHMBRIDGE_TOKEN (its token file is
    # tested elsewhere, and under Wine it lives inside the prefix).
    token = secrets.token_urlsafe(24)
    env = dict(os.environ, SHMBRIDGE_TOKEN=token, TOKEN=token)
    # Layouts and publishers in memory: the session makes some, and a user's saved ones are not this test's.
    # Recordings in a directory of their own (relative: the same path for the Windows binary under Wine).
    recordings = "testdata/bin/recordings"
    shutil.rmtree(recordings, ignore_errors=True)
    broker, mqtt = start_broker()
    # -demo: the demo's producers play beside the daemon, for the README's first section.
    daemon = subprocess.Popen(cmd + ["-listen", "127.0.0.1:0", "-layouts-dir", "-", "-publishers-dir", "-", "-recordings-dir", recordings, "-demo",
                                     "-mqtt", mqtt], stderr=log, stdout=log, env=env)
    state = tempfile.NamedTemporaryFile(prefix="session-", suffix=".sh", delete=False).name
    failed = False
    try:
        deadline = time.time() + 120
        base = None
        while True:
            try:
                if base is None:
                    m = re.search(r"msg=\"shmbridge listening\".* addr=(http://127\.0\.0\.1:\d+)", open(log.name).read())
                    base = m and m.group(1)
                if base:
                    urllib.request.urlopen(base + "/healthz", timeout=2)
                    break
            except OSError:
                pass
            if daemon.poll() is not None or time.time() > deadline:
                raise SystemExit("daemon did not come up: " + open(log.name).read())
            time.sleep(0.2)
        env["SHMBRIDGE_URL"] = base
        for command, want in steps:
            command = command.replace("http://127.0.0.1:8765", base).replace("mqtt://127.0.0.1:1883", mqtt)
            script = 'source "$1"\n' + command + '\nrc=$?; export -p >"$1"; exit $rc'
            r = subprocess.run(["bash", "-c", script, "session", state], capture_output=True, text=True, timeout=60, env=env)
            got = r.stdout.splitlines()
            ok = r.returncode == 0 and len(got) == len(want) and all(map(matches, want, got))
            print(("ok   " if ok else "FAIL ") + command)
            if not ok:
                failed = True
                print("  exit %d\n  want: %s\n  got:  %s\n  stderr: %s" % (r.returncode, want, got, r.stderr))
        for command in also:
            r = subprocess.run(["bash", "-c", command], timeout=120, env=env)
            print(("ok   " if r.returncode == 0 else "FAIL ") + command)
            failed = failed or r.returncode != 0
        def call(path, body=None, timeout=10, method="POST"):
            req = urllib.request.Request(base + path, method=method, data=body,
                                         headers={"Content-Type": "application/json", "Authorization": "Bearer " + token})
            return urllib.request.urlopen(req, timeout=timeout)
        # What the sessions left, let go (the publishers, then the mappings they opened, none unlinked), so that
        # the one mapping below is all shutdown has to close.
        for p in json.load(call("/v1/publishers", method="GET")):
            call("/v1/publishers/" + p["id"], method="DELETE")
        for m in json.load(call("/v1/mappings", method="GET")):
            call("/v1/mappings/" + urllib.parse.quote(m["name"], safe=""), method="DELETE")
        # Leave one mapping open (shutdown must close it) and a long-poll waiting (shutdown must end it).
        call("/v1/mappings", b'{"name": "shmbridge-shutdown-check", "size": 64}')
        call("/v1/events", b'{"name": "shmbridge-shutdown-wait"}')
        def wait():
            try:
                call("/v1/events/shmbridge-shutdown-wait/wait?timeout=60s", timeout=70)
                waited.append(("answered 200", time.time()))
            except urllib.error.HTTPError as e:
                waited.append((e.code, time.time()))
            except OSError as e:
                waited.append((str(e), time.time()))
        waited = []
        waiter = threading.Thread(target=wait)
        waiter.start()
        # SIGINT once the long-poll waits (the event counts it), not after a pause a busy machine can outlast.
        until = time.time() + 60
        while True:
            req = urllib.request.Request(base + "/v1/events/shmbridge-shutdown-wait", headers={"Authorization": "Bearer " + token})
            if json.load(urllib.request.urlopen(req, timeout=10)).get("waiters", 0) >= 1 or waited:
                break
            if time.time() > until:
                raise SystemExit("the long-poll never counted as waiting")
            time.sleep(0.05)
    finally:
        signal_at = time.time()
        daemon.send_signal(signal.SIGINT)
        try:
            rc = daemon.wait(timeout=30)
        except subprocess.TimeoutExpired:
            daemon.kill()
            rc = "killed after 30 s"
        broker.terminate()
        broker.wait(timeout=10)
        out = open(log.name).read()
        print("daemon exit:", rc)
        shutil.rmtree(recordings, ignore_errors=True)
        if "state" in locals():
            os.remove(state)
        for leftover in ("shmbridge-shutdown-check", "shmbridge-shutdown-wait"):
            if os.path.exists("/dev/shm/" + leftover):
                os.remove("/dev/shm/" + leftover)  # Linux: shutdown closes, never unlinks
        if "waiter" in locals():
            waiter.join(timeout=70)
            got = waited[0] if waited else ("no answer", time.time())
            print("long-poll at shutdown: %s after %.2f s" % (got[0], got[1] - signal_at))
            # Within 20 s, not its 60 s timeout: on a busy machine (Wine above all) the answer can be late, not absent.
            if got[0] != 503 or got[1] - signal_at > 20:
                print("the long-poll did not end with 503 within 20 s of SIGINT")
                failed = True
        if rc != 0 or "msg=stopped closed_mappings=1" not in out:
            print("daemon did not shut down cleanly:\n" + out)
            failed = True
        # The demo removed what it made (Linux: its names in /dev/shm, Local\ or Global\ left off).
        for line in re.findall(r'msg="demo: playing".*', out):
            for name in re.findall(r'(?:Local|Global)\\\\([^ ,()"\\]+)|(\$[A-Za-z0-9_]+\$)', line):
                name = name[0] or name[1]
                if os.path.exists("/dev/shm/" + name):
                    print("the demo left /dev/shm/%s behind" % name)
                    failed = True
        if "demo: playing" not in out:
            print("the demo did not play:\n" + out)
            failed = True
    if failed:
        sys.exit(1)
    print("README session: %d commands ok, clean shutdown" % len(steps))

main()
