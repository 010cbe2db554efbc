"""`pclua emulator` as a separate process on a free loopback port, for the SDK scenarios."""
import os
import re
import subprocess
from contextlib import contextmanager

PCLUA = os.environ.get("PCLUA_BIN", os.path.join(os.path.dirname(__file__), "..", "..", ".build", "debug", "pclua"))
CLIENT_ID, CLIENT_SECRET = "sdk-id", "sdk-secret"


@contextmanager
def served_emulator(*args):
    """Yields the base URL of an emulator started with `args` (rate limit off, the SDK's client)."""
    proc = subprocess.Popen(
        [PCLUA, "emulator", "--port", "0", *args, "--rate-limit", "0", "--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET],
        stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)", line)
        assert match, f"emulator did not start: {line!r}"
        yield f"http://127.0.0.1:{match.group(1)}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
