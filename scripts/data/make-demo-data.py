#!/usr/bin/env python3
"""Writes the demo org and the demo migration used by scripts/demo (deterministic, no arguments).

demo-org.json: 2,000 users and 12 groups (the first eight hold most of the users).
demo-moves.csv: 1,500 users leave one of the legacy groups for one of the new regional teams; the
file names them by email, as HR spreadsheets do (some in capitals, as typed by hand).
"""
import csv
import json
import os
import random

here = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(2026)
first = ["Ada", "Alan", "Grace", "Linus", "Barbara", "Ken", "Margaret", "Dennis", "Frances", "John"]
last = ["Lovelace", "Turing", "Hopper", "Torvalds", "Liskov", "Thompson", "Hamilton", "Ritchie", "Allen", "Backus"]
users = []
for i in range(2000):
    uid = "%08x-%04x-4%03x-a%03x-%012x" % (rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(12), rng.getrandbits(12), rng.getrandbits(48))
    name = "%s %s %04d" % (first[i % 10], last[(i // 10) % 10], i + 1)
    users.append({"id": uid, "name": name, "email": name.lower().replace(" ", ".") + "@example.com"})

legacy = ["Legacy Sales", "Legacy Support", "Legacy Billing", "Legacy Onboarding"]
regional = ["Sales EMEA", "Sales AMER", "Support EMEA", "Support AMER"]
groups = []
for i, name in enumerate(legacy + regional + ["Escalations", "Quality", "Night Shift", "Trainers"]):
    gid = "%08x-0000-4000-a000-%012x" % (0x6a000000 + i, i)
    groups.append({"id": gid, "name": name, "type": "official", "visibility": "public", "rulesVisible": True, "members": [], "owners": []})
for n, user in enumerate(users):
    groups[n % 4]["members"].append(user["id"])          # everyone starts in a legacy group
    if n % 9 == 0:
        groups[8 + n % 4]["members"].append(user["id"])  # some are in a specialist group too

with open(os.path.join(here, "demo-org.json"), "w") as f:
    json.dump({"users": users, "groups": groups}, f, separators=(",", ":"))
    f.write("\n")

with open(os.path.join(here, "demo-moves.csv"), "w", newline="") as f:
    writer = csv.writer(f, lineterminator="\n")
    writer.writerow(["email", "from_group", "to_group"])
    for n, user in enumerate(users[:1500]):
        source = legacy[n % 4]
        target = regional[n % 4] if n % 2 == 0 else regional[(n + 1) % 4]
        email = user["email"].title() if n % 10 == 3 else user["email"]
        writer.writerow([email, source, target])
