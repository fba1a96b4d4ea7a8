#!/usr/bin/env python3
"""Runs the README's curl session against a daemon, exactly as written, and checks every output line.

    python3 .ci/readme-session.py [--also COMMAND]... -- DAEMON-COMMAND...

Starts the daemon, waits for /healthz, runs each `$ command` of the first ```console block under
"## A curl session" with bash, compares its output with the lines that follow it ("..." matches anything),
then leaves one mapping open, stops the daemon with SIGINT and requires a clean exit within 30 s: status 0 and
"stopped closed_mappings=1" logged. Each --also command runs against the same daemon after the session and
must exit 0.
"""
import os, re, secrets, signal, subprocess, sys, time, urllib.request

def session(readme):
    text = open(readme, encoding="utf-8").read()
    block = re.search(r"## A curl session.*?```console\n(.*?)```", text, re.S).group(1)
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

def main():
    sep = sys.argv.index("--")
    cmd = sys.argv[sep + 1:]
    also = [a for flag, a in zip(sys.argv[1:sep], sys.argv[2:sep]) if flag == "--also"]
    steps = session(os.path.join(os.path.dirname(__file__), "..", "README.md"))
    log = open("testdata/bin/daemon.log", "w+")
    # The session reads the token from $TOKEN; the daemon takes it from SHMBRIDGE_TOKEN (its token file is
    # tested elsewhere, and under Wine it lives inside the prefix).
    token = secrets.token_urlsafe(24)
    env = dict(os.environ, SHMBRIDGE_TOKEN=token, TOKEN=token)
    daemon = subprocess.Popen(cmd, stderr=log, stdout=log, env=env)
    failed = False
    try:
        deadline = time.time() + 120
        while True:
            try:
                urllib.request.urlopen("http://127.0.0.1:8765/healthz", timeout=2)
                break
            except OSError:
                if daemon.poll() is not None or time.time() > deadline:
                    raise SystemExit("daemon did not come up: " + open(log.name).read())
                time.sleep(0.2)
        for command, want in steps:
            r = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=60, env=env)
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
        # Leave one mapping open: shutdown must close it.
        req = urllib.request.Request("http://127.0.0.1:8765/v1/mappings", method="POST",
                                     data=b'{"name": "shmbridge-shutdown-check", "size": 64}',
                                     headers={"Content-Type": "application/json", "Authorization": "Bearer " + token})
        urllib.request.urlopen(req, timeout=10)
    finally:
        daemon.send_signal(signal.SIGINT)
        try:
            rc = daemon.wait(timeout=30)
        except subprocess.TimeoutExpired:
            daemon.kill()
            rc = "killed after 30 s"
        out = open(log.name).read()
        print("daemon exit:", rc)
        if os.path.exists("/dev/shm/shmbridge-shutdown-check"):
            os.remove("/dev/shm/shmbridge-shutdown-check")  # Linux: shutdown closes, never unlinks
        if rc != 0 or "msg=stopped closed_mappings=1" not in out:
            print("daemon did not shut down cleanly:\n" + out)
            failed = True
    if failed:
        sys.exit(1)
    print("README session: %d commands ok, clean shutdown" % len(steps))

main()
