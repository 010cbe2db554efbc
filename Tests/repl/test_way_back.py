"""`pclua undo` and `pclua restore` on a terminal (issue 24): the plan, then a y/N question;
anything but y or yes writes nothing."""
import json
import os
import re
import subprocess
import urllib.request

import pexpect
import pytest

from test_repl import PCLUA, home  # noqa: F401  (home is a fixture)


@pytest.fixture
def served():
    proc = subprocess.Popen([PCLUA, "emulator", "--port", "0", "--rate-limit", "0", "--seed-users", "50", "--seed-groups", "3"],
                            stdout=subprocess.PIPE, text=True)
    url = re.search(r"http://\S+", proc.stdout.readline()).group(0)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def writes(url):
    with urllib.request.urlopen(url + "/_emulator/stats") as answer:
        counts = json.load(answer)["byOperation"]
    return counts.get("post_group_members", 0) + counts.get("delete_group_members", 0)


def spawn(arguments, home, url):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PURECLOUD_", "GENESYSCLOUD_"))}
    env.update(HOME=home, TERM="xterm", NO_COLOR="1")
    return pexpect.spawn(PCLUA, arguments + ["--base-url", url, "--client-id", "emulator-client", "--client-secret", "emulator-secret"],
                         env=env, encoding="utf-8", timeout=20, dimensions=(40, 200))


def test_the_undo_asks_and_only_yes_writes(home, served, tmp_path):
    audit = str(tmp_path / "audit.jsonl")
    subprocess.run([PCLUA, "--base-url", served, "--client-id", "emulator-client", "--client-secret", "emulator-secret",
                    "--audit-log", audit, "-e",
                    "local api = purecloud.GroupsApi.new(); local g = api:get_groups{}.entities[1]; "
                    "local ids = {} for u in purecloud.UsersApi.new():each_user{} do ids[#ids + 1] = u.id end; api:add_members(g.id, ids)"],
                   check=True, capture_output=True)
    before = writes(served)
    for answer in ["", "n", "yep"]:
        child = spawn(["undo", "--audit-log", audit], home, served)
        child.expect(r"Apply these changes to org 'Demo Org' \(id [0-9a-f-]+\)\? Only 'yes' or 'y' goes on \[y/N\] ")
        assert "memberships added and 0 removed" not in child.before
        assert re.search(r"0 memberships added and \d+ removed", child.before), child.before
        child.sendline(answer)
        child.expect("Nothing was written.")
        child.expect(pexpect.EOF)
        assert writes(served) == before, f"answer {answer!r} wrote"
    child = spawn(["undo", "--audit-log", audit], home, served)
    child.expect(r"\[y/N\] ")
    child.sendline("Y")
    child.expect(r"undo done \(run \d{8}-\d{6}-[0-9a-f]{6}\)")
    child.expect(pexpect.EOF)
    assert writes(served) > before
