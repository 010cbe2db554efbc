"""Issue 19.3: Ctrl-C during a bulk helper in the REPL shows what it did (its partial report)
instead of returning nil, and the session goes on."""
import re
import subprocess

import pexpect
import pytest

from test_repl import PCLUA, PROMPT, home, run, spawn  # noqa: F401  (home is a fixture)


@pytest.fixture
def slow():
    proc = subprocess.Popen([PCLUA, "emulator", "--port", "0", "--rate-limit", "0", "--latency-ms", "60",
                             "--seed-users", "3000", "--seed-groups", "2"], stdout=subprocess.PIPE, text=True)
    url = re.search(r"http://\S+", proc.stdout.readline()).group(0)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def test_an_interrupted_helper_says_what_it_added(home, slow):
    child = spawn(["--base-url", slow, "--client-id", "emulator-client", "--client-secret", "emulator-secret",
                   "--concurrency", "1"], home)
    run(child, "api = purecloud.GroupsApi.new(); ids = {} for u in purecloud.UsersApi.new():each_user{} do ids[#ids + 1] = u.id end")
    run(child, "g = api:post_groups{ name = 'Interrupted', type = 'official', visibility = 'public', rulesVisible = true }")
    child.sendline("r = api:add_members(g.id, ids)")
    child.expect(r"add_members 'Interrupted' [1-9][0-9,]*/", timeout=30)  # the writes have begun
    child.sendintr()
    child.expect(PROMPT, timeout=20)
    out = child.before
    match = re.search(r"\((\d+) added, 0 removed before it stopped; (\d+) not confirmed: see err.report\)", out)
    assert match, out
    assert int(match.group(1)) > 0
    members = run(child, "#api:get_group_individuals(g.id).entities")
    assert str(int(match.group(1))) in members or int(re.search(r"(\d+)", members).group(1)) >= int(match.group(1)), members
    child.sendcontrol("d")
    child.expect(pexpect.EOF)
