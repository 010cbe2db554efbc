"""`pclua -i` with standard input not a terminal: lua.c's own loop, byte for byte what Debian's
lua5.4 5.4.4 prints (the expected texts are lua5.4's, written out so no lua5.4 is needed). Programs
that drive a Lua REPL through a pipe (the official test suite's main.lua among them) rely on it.
SIGTERM at the prompt ends pclua, on a terminal too."""
import os
import signal
import subprocess
import tempfile

import pexpect

PCLUA = os.environ.get("PCLUA_BIN", os.path.join(os.path.dirname(__file__), "..", "..", ".build", "debug", "pclua"))
BANNER = "Lua 5.4.4  Copyright (C) 1994-2022 Lua.org, PUC-Rio\n"


def plain(stdin, *args):
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, HOME=home)
        for name in ("LUA_INIT", "LUA_INIT_5_4", "PURECLOUD_CLIENT_ID", "PURECLOUD_ACCESS_TOKEN"):
            env.pop(name, None)
        return subprocess.run([PCLUA, *args, "-i"], input=stdin.encode(), capture_output=True, env=env, timeout=30)


def test_prompts_echo_results_and_continued_chunks_are_lua_cs():
    run = plain("(6*2-6) -- ===\na =\n10\nprint(a)\n=a, 'x'\na")
    assert run.returncode == 0, run.stderr
    assert run.stdout.decode() == BANNER + "> (6*2-6) -- ===\n6\n> a =\n>> 10\n> print(a)\n10\n> =a, 'x'\n10\tx\n> a\n10\n> \n"
    assert run.stderr == b""


def test_prompts_come_from_PROMPT_and_PROMPT2_through_tostring():
    run = plain("x =\n1\n", "-e", "_PROMPT = 'P:' _PROMPT2 = setmetatable({}, {__tostring = function() return 'Q:' end})")
    assert run.stdout.decode() == BANNER + "P:x =\nQ:1\nP:\n"


def test_results_go_through_the_global_print_and_a_failing_print_is_reported():
    replaced = plain("1, 'a', nil\n", "-e", "function print(...) io.write('<', select('#', ...), '>', tostring((...)), '\\n') end")
    assert replaced.stdout.decode() == BANNER + "> 1, 'a', nil\n<3>1\n> \n"
    missing = plain("10\nprint = 1\n", "-e", "print = nil")
    assert missing.returncode == 0
    assert missing.stderr.decode() == "error calling 'print' (attempt to call a nil value)\n"


def test_errors_are_reported_without_a_program_name_and_the_loop_goes_on():
    run = plain("error('boom')\nerror({})\nx = = 1\nx = 1 +\n")
    assert run.returncode == 0
    assert run.stderr.decode() == (
        "stdin:1: boom\nstack traceback:\n\t[C]: in function 'error'\n\tstdin:1: in main chunk\n\t[C]: in ?\n"
        "(error object is a table value)\nstack traceback:\n\t[C]: in function 'error'\n\tstdin:1: in main chunk\n\t[C]: in ?\n"
        "stdin:1: unexpected symbol near '='\n"
        # End of input inside a chunk: lua.c prints "(null)" here; pclua the syntax error.
        "stdin:1: unexpected symbol near <eof>\n")
    assert run.stdout.decode().endswith("> x = 1 +\n>> > \n")


def test_a_secret_result_reaches_print_redacted():
    run = plain("'tok-' .. 'en-123'\n", "--access-token", "tok-en-123")
    assert run.returncode == 0, run.stderr
    assert "tok-en-123\n" not in run.stdout.decode()
    assert "<redacted>" in run.stdout.decode()


def wait_for(stream, text):
    seen = b""
    while not seen.endswith(text.encode()):
        byte = stream.read(1)
        assert byte, f"no {text!r} in {seen!r}"
        seen += byte


def test_sigterm_at_the_plain_prompt_ends_pclua_with_130():
    with tempfile.TemporaryDirectory() as home:
        child = subprocess.Popen([PCLUA, "-i"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=dict(os.environ, HOME=home))
        wait_for(child.stdout, "> ")
        child.send_signal(signal.SIGTERM)
        assert child.wait(timeout=15) == 130
        child.stdin.close()
        child.stdout.close()


def test_sigterm_at_the_terminal_prompt_ends_pclua_with_130():
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, HOME=home, TERM="xterm", NO_COLOR="1")
        child = pexpect.spawn(PCLUA, ["--emulator"], env=env, encoding="utf-8", timeout=15, dimensions=(40, 200))
        child.expect(r"pclua\[[^\]]+\]> ")
        child.sendline("x = 1")
        child.expect(r"pclua\[[^\]]+\]> ")
        child.send("partly typ")
        child.kill(signal.SIGTERM)
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 130, (child.exitstatus, child.signalstatus)


def test_ctrl_c_stops_the_running_line_and_the_plain_loop_goes_on():
    with tempfile.TemporaryDirectory() as home:
        child = subprocess.Popen([PCLUA, "-i"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 env=dict(os.environ, HOME=home))
        child.stdin.write(b"print('start') while true do end\nprint('after')\n")
        child.stdin.close()
        child.stdin = None  # communicate() would flush it
        wait_for(child.stdout, "start\n")
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=15)
        assert child.returncode == 0, err
        assert out.decode() == "> print('after')\nafter\n> \n"
        assert "interrupted!" in err.decode()
