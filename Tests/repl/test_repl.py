"""The REPL through a pseudo-terminal, as an admin uses it (pexpect drives the real binary)."""
import os
import re
import subprocess
import tempfile
import time

import pexpect
import pytest

PCLUA = os.environ.get("PCLUA_BIN", os.path.join(os.path.dirname(__file__), "..", "..", ".build", "debug", "pclua"))
PROMPT = r"pclua\[[^\]]+\]> "


@pytest.fixture
def home():
    with tempfile.TemporaryDirectory() as path:
        yield path


def spawn(args, home, prompt=PROMPT, **extra_env):
    """pclua on a pseudo-terminal, with none of the caller's credentials and a fresh HOME."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PURECLOUD_", "GENESYSCLOUD_"))}
    env.update(HOME=home, TERM="xterm", NO_COLOR="1", **extra_env)
    env.pop("XDG_STATE_HOME", None)
    child = pexpect.spawn(PCLUA, args, env=env, encoding="utf-8", timeout=15, dimensions=(40, 200))
    child.expect(prompt)
    return child


def run(child, line, expect=PROMPT):
    child.sendline(line)
    child.expect(expect)
    return child.before


@pytest.fixture(scope="module")
def slow_emulator():
    proc = subprocess.Popen([PCLUA, "emulator", "--port", "0", "--latency-ms", "4000", "--rate-limit", "0"], stdout=subprocess.PIPE, text=True)
    url = re.search(r"http://\S+", proc.stdout.readline()).group(0)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def test_expressions_statements_and_multi_line_chunks(home):
    child = spawn(["--emulator"], home)
    assert "3" in run(child, "1 + 2")
    assert "hi" in run(child, "=string.upper('h') .. 'i'".replace("upper('h')", "lower('H')"))
    run(child, "x = 40")
    child.sendline("function double(n)")
    child.expect(r"\.\.\.> ")
    child.sendline("  return n * 2")
    child.expect(r"\.\.\.> ")
    child.sendline("end")
    child.expect(PROMPT)
    assert "84" in run(child, "double(x + 2)")
    assert "84" in run(child, "_")
    assert "unexpected symbol" in run(child, "x = = 1")
    child.sendcontrol("d")
    child.expect(pexpect.EOF)


def test_the_emulator_repl_works_with_no_set_up_and_prints_groups_readably(home):
    child = spawn(["--emulator"], home)
    run(child, "api = purecloud.GroupsApi.new()")
    out = run(child, "api:get_groups{ page_size = 2 }")
    assert "entities = {" in out and 'name = "' in out and "total = 20," in out
    assert "{...}" in out  # nested owners are cut at the depth limit, with a mark
    out = run(child, "api:get_group('missing')")
    assert re.search(r"get_group failed: HTTP 404 general.resource.not.found: .* \(correlation id [0-9a-f-]{36}\)", out)
    out = run(child, "t = { name = 'loop', list = { 1, 2, 3 } }; t.me = t; t.again = t.list; return t")
    assert "<1>{" in out and "me = <table 1>" in out and "again = <2>{ 1, 2, 3 }" in out and "list = <table 2>" in out
    child.sendcontrol("d")
    child.expect(pexpect.EOF)


def test_tab_completes_methods_modules_and_option_keys_without_calling_anything(home):
    child = spawn(["--emulator"], home)
    run(child, "api = purecloud.GroupsApi.new()")
    # Several matches: Tab completes the common part, a second Tab lists them all.
    child.send("api:get_gr\t\t")
    child.expect("api:get_group_individuals")
    child.expect("api:get_groups_search")
    child.sendline("s{ page_size = 3 }.pageSize * 111")  # the line now reads api:get_groups{...}
    child.expect("333")
    # One match: the word is completed in place; what runs is the completed line.
    child.send("purecloud.GroupCr\t")
    child.sendline(".name .. '!'")
    child.expect('"GroupCreate!"')
    # Option keys and enum values of an operation.
    child.send("api:get_groups{ sort_\t")
    child.send('"descen\t')  # only a completed "descending" is valid: "descen" would be refused
    child.sendline('" }.entities[1].name .. "?"')
    child.expect(re.escape('"Workforce 001?"'))  # the last name in ascending order comes first


def test_help_describes_operations_and_models_from_the_operation_table(home):
    child = spawn(["--emulator"], home)
    run(child, "api = purecloud.GroupsApi.new()")
    out = run(child, "help(api.get_group)")
    assert "get_group  GET /api/v2/groups/{groupId}" in out and "group_id" in out and "returns Group:" in out
    out = run(child, "help(api.post_groups)")
    assert "directory:group:add" in out and "GroupCreate" in out
    out = run(child, "help(purecloud.GroupCreate)")
    assert "visibility" in out and "one of public, owners, members (required)" in out
    out = run(child, "help()")
    assert "Ctrl-C" in out


def test_help_and_completion_serve_the_users_api_from_the_same_table(home):
    child = spawn(["--emulator"], home)
    run(child, "users = purecloud.UsersApi.new()")
    out = run(child, "help(users.get_users)")
    assert "get_users  GET /api/v2/users" in out and "call: users:get_users({ options })" in out
    assert "one of active, inactive, deleted, any" in out and "every page: users:each_user(...)" in out
    out = run(child, "help(users.post_users_search)")
    assert "UserSearchRequest" in out and "directory:user:view" in out
    out = run(child, "help(users.each_user)")
    assert "every item of get_users" in out
    out = run(child, "help(purecloud.UserSearchCriteria)")
    assert "one of EXACT, STARTS_WITH, CONTAINS" in out
    out = run(child, "help(users.resolve)")
    assert "not_found" in out and "ambiguous" in out
    # Completion reads the same table: the option keys and enum values of a Users operation.
    child.send("users:get_users{ sta\t")
    child.send('"inac\t')
    child.sendline('" }.pageSize * 3')  # only a completed "inactive" is valid
    child.expect(r"(\n|\[\?2004l)75\r\n")
    child.expect(PROMPT)
    child.sendcontrol("d")
    child.expect(pexpect.EOF)


def printed(child, line):
    """What the REPL printed for a line, without the echo of the line itself."""
    return run(child, line).split("\r\n", 1)[1]


def test_secrets_are_masked_by_the_printer(home):
    child = spawn(["--emulator"], home)
    out = printed(child, "{ client_secret = 'hunter2', user = 'ann' }")
    assert "hunter2" not in out and "client_secret = <redacted>" in out and 'user = "ann"' in out
    out = printed(child, "'emulator' .. '-secret'")
    assert "emulator-secret" not in out and "<redacted>" in out


def test_ctrl_c_cancels_a_slow_call_and_the_session_goes_on(home, slow_emulator):
    child = spawn(["--base-url", slow_emulator, "--client-id", "emulator-client", "--client-secret", "emulator-secret"], home)
    run(child, "api = purecloud.GroupsApi.new(); kept = 'still here'")
    child.sendline("api:get_groups{}")
    time.sleep(1.0)
    started = time.time()
    child.sendcontrol("c")
    child.expect("interrupted")
    child.expect(PROMPT)
    assert time.time() - started < 2, "the 4 s request was cancelled"
    assert "still here" in run(child, "kept")
    assert "2" in run(child, "1 + 1")
    child.send("half a line")
    child.sendcontrol("c")
    child.expect(PROMPT)
    assert "3" in run(child, "1 + 2")


def test_ctrl_c_stops_a_map_of_tasks_and_the_session_goes_on(home, slow_emulator):
    child = spawn(["--base-url", slow_emulator, "--client-id", "emulator-client", "--client-secret", "emulator-secret"], home)
    run(child, "api = purecloud.GroupsApi.new(); finished = 0")
    child.sendline("purecloud.map({ 1, 2, 3, 4, 5, 6, 7, 8 }, function() api:get_groups{}; finished = finished + 1 end, { concurrency = 4 })")
    time.sleep(1.0)
    started = time.time()
    child.sendcontrol("c")
    child.expect(r"tasks stopped \(interrupted\): 0 of 8 finished \(0 returned, 0 failed\), 4 stopped while waiting, 4 not started")
    child.expect("interrupted")
    child.expect(PROMPT)
    assert time.time() - started < 2, "the tasks' 4 s requests were cancelled"
    assert "0" in run(child, "finished")
    # Nothing left running behind the prompt; a map without requests runs at once.
    out = run(child, "r, e = purecloud.map({ 1, 2, 3 }, function(i) return i * 2 end); return r[1] + r[2] + r[3], next(e)")
    assert "12" in out and "nil" in out


def test_history_survives_a_restart_with_multi_line_entries_whole(home):
    child = spawn(["--emulator"], home)
    child.sendline("function greet(n)")
    child.expect(r"\.\.\.> ")
    child.sendline("return 'hello ' .. n end")
    child.expect(PROMPT)
    child.sendcontrol("d")
    child.expect(pexpect.EOF)
    assert os.path.exists(os.path.join(home, ".local", "state", "pclua", "history"))

    child = spawn(["--emulator"], home)
    child.send("\x1b[A")  # up arrow: the whole function comes back
    child.sendline("")
    child.expect(PROMPT)
    assert "hello world" in run(child, "greet('world')")


def test_a_bracketed_paste_of_several_lines_runs_as_one_chunk(home):
    child = spawn(["--emulator"], home)
    child.send("\x1b[200~local total = 0\rfor i = 1, 4 do\r  total = total + i\rend\rprint('sum', total)\r\x1b[201~")
    child.expect(r"sum\s+10")
    child.expect(PROMPT)
    assert "2" in run(child, "1 + 1")


def tmux(*args):
    return subprocess.run(["tmux", *args], check=True, capture_output=True, text=True).stdout


def test_coloured_prompt_renders_cleanly_in_a_real_terminal(home):
    """The prompt's colour codes must reach the terminal as codes, not as `[1m` text (libedit
    drops the escape byte of unmarked codes and shows the rest)."""
    session = f"pclua-prompt-{os.getpid()}"
    env = ["env", "-u", "NO_COLOR", f"HOME={home}", "TERM=xterm-256color", PCLUA, "--emulator"]
    tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "20", *env)
    try:
        screen = ""
        for _ in range(100):
            screen = tmux("capture-pane", "-p", "-t", session)
            if "pclua[emulator: Demo Org]>" in screen:
                break
            time.sleep(0.1)
        tmux("send-keys", "-t", session, "-l", "1 + 41")
        tmux("send-keys", "-t", session, "Enter")
        for _ in range(100):
            screen = tmux("capture-pane", "-p", "-t", session)
            if "42" in screen and screen.count("pclua[emulator: Demo Org]>") >= 2:
                break
            time.sleep(0.1)
        assert screen.count("pclua[emulator: Demo Org]>") >= 2, screen
        assert "[1m" not in screen and "[0m" not in screen, screen
        # The colour is really there: the pane's escape sequences hold the bold prompt.
        assert "\x1b[1mpclua[emulator: Demo Org]> " in tmux("capture-pane", "-p", "-e", "-t", session)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)


def test_as_lua_c_ctrl_d_on_a_continuation_line_reports_and_goes_on_and_finalizers_run_at_exit(home):
    """Issue 20.4: lua5.4 reports the unfinished chunk at Ctrl-D on a continuation line and goes
    on; error({}) reads "(error object is a table value)"; pending finalizers run when it ends."""
    child = spawn(["--emulator"], home)
    child.sendline("function f()")
    child.expect(r"\.\.\.> ")
    child.sendcontrol("d")
    child.expect("'end' expected near <eof>")
    child.expect(PROMPT)
    assert "3" in run(child, "1 + 2")
    out = run(child, "error({})")
    assert "(error object is a table value)" in out and "table: 0x" not in out
    assert "stack traceback" in out
    run(child, "setmetatable({}, { __gc = function() print('finalized at exit') end })")
    child.sendcontrol("d")
    child.expect("finalized at exit")
    child.expect(pexpect.EOF)


@pytest.fixture(scope="module")
def served_emulator():
    proc = subprocess.Popen([PCLUA, "emulator", "--port", "0", "--rate-limit", "0"], stdout=subprocess.PIPE, text=True)
    url = re.search(r"http://\S+", proc.stdout.readline()).group(0)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def emulator_requests(url):
    import json
    import urllib.request
    with urllib.request.urlopen(url + "/_emulator/stats") as answer:
        return json.load(answer)["requests"]


def test_find_group_completes_the_group_names_already_seen_without_a_request(home, served_emulator):
    child = spawn(["--base-url", served_emulator], home,
                  PURECLOUD_CLIENT_ID="emulator-client", PURECLOUD_SECRET="emulator-secret")
    run(child, "api = purecloud.GroupsApi.new()")
    out = run(child, "help(api.find_group)")
    assert "did you mean 'Sales EMEA'?" in out and "Tab inside find_group(\" completes" in out
    assert "find_group" in run(child, "help(api)")
    # No answer seen yet: nothing to offer, and Tab asks the org for nothing.
    before = emulator_requests(served_emulator)
    child.send('api:find_group("Bil\t\t')
    time.sleep(0.5)
    assert emulator_requests(served_emulator) == before
    child.sendcontrol("c")
    child.expect(PROMPT)
    # A listing the script kept in a variable (nothing printed) is seen all the same.
    run(child, "n = #api:get_groups{ page_size = 100 }.entities")
    before = emulator_requests(served_emulator)
    child.send('api:find_group("bill\t')      # case aside: both Billing groups, completed to their common part
    time.sleep(0.5)
    assert emulator_requests(served_emulator) == before, "Tab sent a request"
    child.send('\t\t')
    child.expect(re.escape('api:find_group("Billing 00'))
    child.expect("001 +002")                    # the list shows the word being completed, as libedit does
    child.sendline('2").name .. "!"')          # the line reads api:find_group("Billing 002").name
    child.expect(re.escape('"Billing 002!"'))
    child.expect(PROMPT)
    # Inside a name with spaces, Tab completes the word after the last space.
    child.send('api:find_group("Night S\t')
    child.sendline('").memberCount > 0')
    child.expect("true")
    child.expect(PROMPT)
