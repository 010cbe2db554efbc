"""Progress for long work: one updating line on a terminal's stderr, nothing of it in a file."""
import os
import re
import subprocess
import tempfile

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
