"""Entries that carry a secret never reach the REPL history file (issue 11, case 11)."""
import os

import pexpect

from test_repl import PROMPT, run, spawn, home  # noqa: F401  (home is a fixture)


def test_lines_with_secrets_are_kept_out_of_the_history_file(home):
    child = spawn(["--emulator"], home)
    run(child, "settings = { client_secret = 'hunter2-typed' }")
    run(child, "t = { access_token = 'tok-typed' }")
    run(child, "pw = 'emulator-secret'")  # the configured secret's value, under an innocent name
    run(child, "local creds = 'x'; admin_password = 'pa55'")
    run(child, "kept = 'an ordinary line'")
    child.sendcontrol("d")
    child.expect(pexpect.EOF)

    with open(os.path.join(home, ".local", "state", "pclua", "history"), encoding="utf-8", errors="replace") as f:
        history = f.read().replace("\\040", " ")  # libedit writes spaces as \040
    assert "an ordinary line" in history
    for leaked in ("hunter2-typed", "tok-typed", "emulator-secret", "pa55"):
        assert leaked not in history, leaked
