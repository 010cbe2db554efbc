#!/usr/bin/env python3
"""Snapshot and rehearsal figures (issue 13), each beside a baseline measured in the same run.

Usage: scripts/bench (after run.py), or python3 scripts/benchmarks/rehearsal.py path/to/pclua

1. `pclua snapshot` of an org of 100,000 users (5,000 inactive) and 1,000 groups served by
   `pclua emulator`: requests (beside the fewest the API allows), time, peak memory.
2. `pclua rehearse` of a 10,000-move migration on that snapshot, beside the same migration run
   for real against the served emulator.
"""
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request

PCLUA = os.path.abspath(sys.argv[1])
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WORK = tempfile.mkdtemp(prefix="pclua-rehearsal-bench-")
CLIENT, SECRET = "emulator-client", "emulator-secret"
USERS, INACTIVE_EVERY, GROUPS, GROUP_SIZE = 100_000, 20, 1_000, 100
rows = []


def report(name, figure, baseline, ratio_text, target, ok):
    rows.append((name, figure, baseline, ratio_text, target, "met" if ok else "NOT MET"))
    print(f"  {name}: {figure} vs {baseline} -> {ratio_text} ({target}: {'met' if ok else 'NOT MET'})", flush=True)


def uid(n):
    return f"{n:08x}-0000-4000-a000-000000000000"


def gid(n):
    return f"{n:08x}-0000-4000-b000-000000000000"


def run_measured(command):
    """Wall seconds and peak RSS (MiB) of a process that must succeed."""
    # Output goes to files: a pipe nobody reads until the end would fill and stop the process.
    with tempfile.TemporaryFile() as out_file, tempfile.TemporaryFile() as err_file:
        started = time.perf_counter()
        proc = subprocess.Popen(command, stdout=out_file, stderr=err_file, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
        out_file.seek(0)
        err_file.seek(0)
        out, err = out_file.read().decode(), err_file.read().decode()
    if status != 0:
        raise SystemExit(f"failed: {' '.join(command[:4])}...: {err[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024, out


def stats(url):
    return json.load(urllib.request.urlopen(url + "/_emulator/stats"))


def reset(url):
    urllib.request.urlopen(urllib.request.Request(url + "/_emulator/stats", method="DELETE"))


print(f"machine: {os.cpu_count()} cores; pclua {PCLUA}", flush=True)
users = [{"id": uid(n), "name": f"Person {n:06d}", "email": f"person{n:06d}@example.com",
          "state": "inactive" if n % INACTIVE_EVERY == 0 else "active"} for n in range(USERS)]
active = [u["id"] for u in users if u["state"] == "active"]
groups = [{"id": gid(g), "name": f"Team {g:04d}",
           "members": [active[(g * GROUP_SIZE + k) % len(active)] for k in range(GROUP_SIZE)]} for g in range(GROUPS)]
org_path = os.path.join(WORK, "org.json")
json.dump({"users": users, "groups": groups}, open(org_path, "w"))

emulator = subprocess.Popen([PCLUA, "emulator", "--port", "0", "--data", org_path, "--rate-limit", "0"], stdout=subprocess.PIPE, text=True)
url = re.search(r"http://\S+", emulator.stdout.readline()).group(0)
connection = ["--base-url", url, "--client-id", CLIENT, "--client-secret", SECRET]
try:
    # 1. Snapshot.
    print("1. snapshot of 100,000 users and 1,000 groups", flush=True)
    snapshot = os.path.join(WORK, "snapshot.json")
    reset(url)
    seconds, rss, _ = run_measured([PCLUA, "snapshot", "--out", snapshot, "--quiet", *connection])
    requests = stats(url)["requests"]
    inactive = USERS // INACTIVE_EVERY
    # ... + 1: tokens/me, asked once so that the snapshot records which org it is of (issue 19).
    fewest = math.ceil((USERS - inactive) / 500) + math.ceil(inactive / 500) + math.ceil(GROUPS / 500) + GROUPS + 1 + 1
    report("snapshot: requests", f"{requests}", f"the fewest the API allows {fewest}", f"{requests - fewest:+d}", "equal", requests == fewest)
    report("snapshot: time and peak memory", f"{seconds:.1f} s, {rss:.0f} MiB", f"{requests / seconds:.0f} requests/s",
           f"{os.path.getsize(snapshot) / 2**20:.1f} MiB file", "under 256 MiB", rss < 256)

    # 2. Rehearse a 10,000-move migration on the snapshot, then run it for real.
    print("2. a 10,000-move migration: rehearsed on the snapshot, then run against the served emulator", flush=True)
    moves = os.path.join(WORK, "moves.csv")
    with open(moves, "w") as f:
        f.write("user,from_group,to_group\n")
        for g in range(200):  # half of each of 200 groups moves to another group
            for member in groups[g]["members"][: GROUP_SIZE // 2]:
                f.write(f"{member},Team {g:04d},Team {g + 500:04d}\n")
    script = os.path.join(ROOT, "scripts", "migrate-members.lua")
    reset(url)
    rehearsal, rehearsal_rss, out = run_measured([PCLUA, "rehearse", "--snapshot", snapshot, script, moves])
    assert stats(url)["requests"] == 0, "the rehearsal reached the served emulator"
    assert "10,000 memberships added and 10,000 removed" in out, out[-1500:]
    real, _, _ = run_measured([PCLUA, *connection, script, moves])
    report("rehearse a 10,000-move migration", f"{rehearsal:.1f} s ({rehearsal_rss:.0f} MiB)", f"the real run on the served emulator {real:.1f} s",
           f"{rehearsal / real:.2f}x its time", "at most 2x", rehearsal <= 2 * real)
finally:
    emulator.terminate()

print("\n| figure | pclua | baseline | ratio | target | |\n|---|---|---|---|---|---|")
for row in rows:
    print("| " + " | ".join(row) + " |")
