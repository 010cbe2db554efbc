"""Progress for long work: one updating line on a terminal's stderr, nothing of it in a file."""
import os
import re
import subprocess
import tempfile
import time

import pexpect
import pytest

PCLUA = os.environ.get("PCLUA_BIN", os.path.join(os.path.dirname(__file__), "..", "..", ".build", "debug", "pclua"))
CREDENTIALS = ["--client-id", "emulator-client", "--client-secret", "emulator-secret"]

# Twenty groups one page at a time, then a bulk add of every user to the last group: both are
# long enough at 150 ms per answer for the line to be drawn several times.
SCRIPT = """
local api = purecloud.GroupsApi.new()
local seen, last = 0, nil
for group in api:each_group{ page_size = 1 } do seen = seen + 1; last = group end
print("groups seen: " .. seen)
local ids = {}
for user in purecloud.UsersApi.new():each_user{ page_size = 100 } do ids[#ids + 1] = user.id end
local report = api:add_members(last, ids, { skip_unknown = true })
print("added: " .. report.added .. " unchanged: " .. report.unchanged)
"""


@pytest.fixture(scope="module")
def latency_emulator():
    proc = subprocess.Popen([PCLUA, "emulator", "--port", "0", "--latency-ms", "150", "--rate-limit", "0"], stdout=subprocess.PIPE, text=True)
    url = re.search(r"http://\S+", proc.stdout.readline()).group(0)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def script():
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(SCRIPT)
    yield f.name
    os.unlink(f.name)


def test_the_progress_line_advances_on_a_terminal_and_is_cleared_before_output(latency_emulator, script):
    child = pexpect.spawn(PCLUA, ["--base-url", latency_emulator, *CREDENTIALS, script],
                          env=dict(os.environ, TERM="xterm"), encoding="utf-8", timeout=60, dimensions=(40, 200))
    child.expect(r"\reach_group (\d+)/20")
    first = int(child.match.group(1))
    child.expect(r"\reach_group (\d+)/20")
    assert int(child.match.group(1)) > first  # the same line, redrawn further on
    # Cleared before print: the script's line starts at column 0 after "erase to end of line".
    child.expect(r"\r\x1b\[Kgroups seen: 20\r\n")
    child.expect(r"\radd_members '[^']+' (\d+)/(\d+)")
    done, total = int(child.match.group(1)), int(child.match.group(2))
    assert done < total
    child.expect(r"\r\x1b\[Kadded: \d+ unchanged: \d+\r\n")
    child.expect(pexpect.EOF)


def test_no_control_characters_when_stderr_is_a_file_or_quiet(latency_emulator, script):
    for extra in ([], ["--quiet"]):
        with tempfile.TemporaryFile() as err:
            result = subprocess.run([PCLUA, "--base-url", latency_emulator, *CREDENTIALS, *extra, script],
                                    stdout=subprocess.PIPE, stderr=err, timeout=120)
            err.seek(0)
            stderr = err.read()
        assert result.returncode == 0, stderr
        assert b"groups seen: 20" in result.stdout
        assert b"\r" not in stderr and b"\x1b" not in stderr, stderr


def test_quiet_and_configure_turn_the_line_off_on_a_terminal(latency_emulator, script):
    for args in (["--quiet", script], ["-e", "purecloud.configure{ progress = false }", script]):
        child = pexpect.spawn(PCLUA, ["--base-url", latency_emulator, *CREDENTIALS, *args],
                              env=dict(os.environ, TERM="xterm"), encoding="utf-8", timeout=60)
        child.expect(pexpect.EOF)
        assert "groups seen: 20" in child.before
        assert "\x1b[K" not in child.before and "/20" not in child.before


def tmux(*args):
    return subprocess.run(["tmux", *args], check=True, capture_output=True, text=True).stdout


def test_in_a_real_terminal_the_line_shows_then_leaves_a_clean_screen(latency_emulator):
    """tmux renders what a user sees: the progress line while the loop runs, and afterwards the
    loop's output and a clean prompt with no trace of it."""
    with tempfile.TemporaryDirectory() as home:
        session = f"pclua-progress-{os.getpid()}"
        env = ["env", "-u", "NO_COLOR", f"HOME={home}", "TERM=xterm-256color", PCLUA, "--base-url", latency_emulator, *CREDENTIALS]
        tmux("new-session", "-d", "-s", session, "-x", "100", "-y", "20", *env)
        try:
            def screen():
                return tmux("capture-pane", "-p", "-t", session)

            def wait_for(test):
                for _ in range(300):
                    text = screen()
                    if test(text):
                        return text
                    time.sleep(0.05)
                raise AssertionError(screen())

            wait_for(lambda s: "]>" in s)
            tmux("send-keys", "-t", session, "-l",
                 "n = 0; for g in purecloud.GroupsApi.new():each_group{ page_size = 2 } do n = n + 1 end; print('seen ' .. n)")
            tmux("send-keys", "-t", session, "Enter")
            during = wait_for(lambda s: re.search(r"each_group \d+/20", s))
            assert re.search(r"^each_group \d+/20", during, re.M), during
            after = wait_for(lambda s: "seen 20" in s and s.count("]>") >= 2)
            assert not re.search(r"each_group \d+/20", after), after
            assert "seen 20" in after.splitlines() and "[1m" not in after, after
        finally:
            subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)


WRITER = """
local api = purecloud.GroupsApi.new()
local seen = 0
for group in api:each_group{ page_size = 1 } do
  seen = seen + 1
  if seen == 8 then io.write("written half way\\n") end
  if seen == 14 then io.stdout:write("file method half way\\n") end
end
io.write("groups seen: ", seen, "\\n")
"""


def test_io_write_clears_the_progress_line_as_print_does(latency_emulator):
    """Issue 21 (host side): io.write and io.stdout:write never share a screen line with the
    progress line: it is cleared (\\r, erase to end of line) before the text."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(WRITER)
    try:
        child = pexpect.spawn(PCLUA, ["--base-url", latency_emulator, *CREDENTIALS, f.name],
                              env=dict(os.environ, TERM="xterm"), encoding="utf-8", timeout=60, dimensions=(40, 200))
        child.expect(r"\reach_group (\d+)/20")
        child.expect(r"\r\x1b\[Kwritten half way\r\n")
        child.expect(r"\reach_group (\d+)/20")
        child.expect(r"\r\x1b\[Kfile method half way\r\n")
        child.expect(r"\r\x1b\[Kgroups seen: 20\r\n")
        child.expect(pexpect.EOF)
    finally:
        os.unlink(f.name)


TASKS = """
local api = purecloud.GroupsApi.new()
local ids = {}
for group in api:each_group{ page_size = 100 } do ids[#ids + 1] = group.id end
local counts = purecloud.map(ids, function(id)
  return #purecloud.collect(api:each_group_member(id, { page_size = 10 }))
end, { concurrency = 4 })
print("mapped: " .. #counts)
"""


def test_a_map_counts_tasks_done_and_its_tasks_draw_no_line_of_their_own(latency_emulator):
    """Issue 23: the line says how many tasks are done; the listings the tasks page through
    (several pages each) would fight over the line, so they draw none."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(TASKS)
    try:
        child = pexpect.spawn(PCLUA, ["--base-url", latency_emulator, *CREDENTIALS, f.name],
                              env=dict(os.environ, TERM="xterm"), encoding="utf-8", timeout=60, dimensions=(40, 200))
        child.expect(r"\rtasks (\d+)/20")
        first = int(child.match.group(1))
        child.expect(r"\rtasks (\d+)/20")
        assert int(child.match.group(1)) > first
        child.expect(r"\r\x1b\[Kmapped: 20\r\n")
        assert "each_group_member" not in child.before
        child.expect(pexpect.EOF)
        assert "each_group_member" not in child.before
    finally:
        os.unlink(f.name)
