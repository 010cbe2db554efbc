#!/usr/bin/env python3
"""The benchmark org: 100,000 users and 20,000 groups; group "All Staff" holds every user and
"Tenth" holds 10,000 of them (for the memory comparison)."""
import json
import sys

users = [{"id": "u%06d-0000-4000-a000-000000000000" % i, "name": "User %06d" % i, "email": "user%06d@example.com" % i} for i in range(100_000)]
groups = [{"id": "g%06d-0000-4000-a000-000000000000" % i, "name": "Group %05d" % i, "members": []} for i in range(20_000 - 2)]
groups.append({"id": "all00000-0000-4000-a000-000000000000", "name": "All Staff", "members": [u["id"] for u in users]})
groups.append({"id": "ten00000-0000-4000-a000-000000000000", "name": "Tenth", "members": [u["id"] for u in users[:10_000]]})
with open(sys.argv[1], "w") as f:
    json.dump({"users": users, "groups": groups}, f, separators=(",", ":"))
