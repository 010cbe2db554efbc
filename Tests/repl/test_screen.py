"""What the admin sees in the REPL (issue 15): completion inside tables being built, help for
every value of the module, a table view, a banner and prompt that say where writes go, and
Ctrl-C in a loop without pclua's internals."""
import os
import re
import subprocess

import pexpect
import pytest

from test_repl import PCLUA, PROMPT, home, run, spawn  # noqa: F401  (home is a fixture)


def test_completion_inside_bodies_constructors_and_enum_arguments(home):
    child = spawn(["--emulator"], home)
    run(child, "api = purecloud.GroupsApi.new()")
    # A model constructor's fields, then a field's allowed values; the completed line runs.
    child.send("purecloud.GroupCreate.new{ vis\t")
    child.send('"pub\t')
    child.sendline('", name = "n", type = "official" }.visibility .. "!"')
    child.expect(re.escape('"public!"'))
    child.expect(PROMPT)
    # The body of an operation given as its first argument: nothing is sent by Tab.
    child.send("api:post_groups{ na\t")
    child.expect(re.escape("na"))
    child.expect(re.escape("me = "))  # completed in place (libedit may redraw the line around it)
    child.sendcontrol("c")
    child.expect(PROMPT)
    # A nested body inside the options table.
    child.send('api:put_group("x", { body = { vi\t')
    child.expect(re.escape("sibility = "))
    child.sendcontrol("c")
    child.expect(PROMPT)
    # Enum values of a positional string argument, not global names.
    child.send('api:get_fieldconfig("\t\t')
    child.expect(r"externalContact\s+group\s+org\s+person\s")
    assert "print" not in child.before
    child.sendcontrol("c")
    child.expect(PROMPT)
    child.send('api:get_fieldconfig("ext\t')
    child.expect(re.escape("ernalContact"))
    child.sendcontrol("c")
    child.expect(PROMPT)
    # The options of a bulk helper and of configure, from the declared surface.
    child.send('api:sync_members("g", {}, { allow_\t')
    child.expect(re.escape("remove_all = "))
    child.sendcontrol("c")
    child.expect(PROMPT)
    child.send('purecloud.configure{ token_\t')
    child.expect(re.escape("pool = "))
    child.sendcontrol("c")
    child.expect(PROMPT)
    child.sendcontrol("d")
    child.expect(pexpect.EOF)


def module_paths(child):
    """Every value of the purecloud module, two levels deep, as help() should know them."""
    out = run(child, "local names = {}; for k, v in pairs(purecloud) do if type(k) == 'string' then names[#names + 1] = 'purecloud.' .. k; "
                     "if type(v) == 'table' and getmetatable(v) == nil and k ~= 'operations' then for k2 in pairs(v) do if type(k2) == 'string' then "
                     "names[#names + 1] = 'purecloud.' .. k .. '.' .. k2 end end end end end; table.sort(names); print('<' .. '<' .. table.concat(names, ' ') .. '>' .. '>')")
    return re.findall(r"<<(.*?)>>", out)[-1].split()


def test_help_covers_every_value_of_the_module_and_lists_them_by_task(home):
    child = spawn(["--emulator"], home)
    run(child, "api = purecloud.GroupsApi.new(); users = purecloud.UsersApi.new()")
    paths = module_paths(child)
    assert "purecloud.csv.rows" in paths and "purecloud.json.decode" in paths and "purecloud.table" in paths
    missing = [p for p in paths if "no help" in run(child, "help(%s)" % p)]
    assert missing == []
    out = run(child, "help(api)")
    assert "add_members" in out and "sync_members" in out and "each_group" in out and "get_groups" in out
    out = run(child, "help(users)")
    assert "resolve" in out and "each_user" in out
    assert "Lazily" in run(child, "help(purecloud.csv.rows)")
    assert "purecloud.null" in run(child, "help(purecloud.json)")
    assert "progress" in run(child, "help(purecloud.configure)")
    out = run(child, "help()")
    for task in ("Connect", "Read", "Change members", "sync_members", "csv", "json", "log", "purecloud.table", "ApiError", "purecloud.map"):
        assert task in out, task
    assert "task:wait()" in run(child, "help(purecloud.spawn(function() end))")
    child.sendcontrol("d")
    child.expect(pexpect.EOF)


def test_the_help_of_configure_lists_every_key(home):
    # Made from the declaration of every setting (Sources/PureCloud/Settings.swift); it once left
    # out concurrency and token_pool.
    child = spawn(["--emulator"], home, COLUMNS="200")
    out = run(child, "help(purecloud.configure)")
    for key in ("environment", "base_url", "client_id", "client_secret", "access_token", "profile", "dry_run",
                "timeout", "connect_timeout", "retry = {", "max_attempts", "total_budget", "base_delay", "max_delay",
                "max_retry_after", "pacing", "concurrency", "token_pool", "progress"):
        assert key in out, key
    child.sendcontrol("d")
    child.expect(pexpect.EOF)


def test_a_table_view_of_chosen_columns_cut_to_the_width(home):
    child = spawn(["--emulator"], home, COLUMNS="40")
    run(child, "api = purecloud.GroupsApi.new()")
    out = run(child, 'purecloud.table(api:get_groups{ page_size = 3 }, { "name", "memberCount", "description" })')
    rows = [line for line in re.sub(r"\x1b\[[?0-9;]*[a-zA-Z]", "", out).split("\r\n")[1:] if line.strip()]
    assert re.match(r"name +memberCount +desc", rows[0]), out
    assert rows[1].startswith("----")
    assert rows[-1] == "(3 rows)", out
    assert all(len(line) <= 40 for line in rows), out
    # Numbers line up on the right under their header.
    header_end = rows[0].index("memberCount") + len("memberCount")
    assert all(line[header_end - 1].isdigit() for line in rows[2:5]), out
    out = run(child, 'purecloud.table(purecloud.collect(api:each_group{ page_size = 5 }), { "name" })')
    assert "(20 rows)" in out
    child.sendcontrol("d")
    child.expect(pexpect.EOF)


def test_the_banner_says_what_to_do_when_not_connected_and_the_prompt_shows_a_dry_run(home):
    child = spawn([], home)
    banner = child.before
    assert "on not connected" not in banner
    assert "not connected" in banner and "--emulator" in banner
    child.sendcontrol("d")
    child.expect(pexpect.EOF)
    child = spawn(["--emulator", "--dry-run"], home, prompt=r"pclua\[emulator: Demo Org, dry run\]> ")
    child.sendcontrol("d")
    child.expect(pexpect.EOF)
    child = spawn(["--emulator"], home, prompt=r"pclua\[emulator: Demo Org\]> ")
    run(child, "purecloud.configure{ dry_run = true }", expect=r"pclua\[emulator: Demo Org, dry run\]> ")
    child.sendcontrol("d")
    child.expect(pexpect.EOF)


def test_the_banner_and_prompt_name_the_org_the_session_talks_to(home):
    proc = subprocess.Popen([PCLUA, "emulator", "--port", "0", "--org-name", "Acme Staging", "--client-name", "admin laptop"],
                            stdout=subprocess.PIPE, text=True)
    CLIENT_ID, CLIENT_SECRET = "emulator-client", "emulator-secret"
    try:
        url = re.search(r"http://\S+", proc.stdout.readline()).group(0)
        child = spawn(["--base-url", url, "--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET], home,
                      prompt=r"pclua\[Acme Staging\]> ")
        banner = child.before
        assert "org 'Acme Staging' (id 5e1f3c2a-9d4b-4e6f-8a7c-0b1d2e3f4a5b)" in banner, banner
        assert f"at {url}, OAuth client 'admin laptop'" in banner, banner
        assert CLIENT_SECRET not in banner
        child.sendcontrol("d")
        child.expect(pexpect.EOF)
        wrong = spawn(["--base-url", url, "--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET, "--expect-org", "Production"], home)
        assert "not 'Production' (--expect-org)" in wrong.before, wrong.before
        wrong.sendcontrol("d")
        wrong.expect(pexpect.EOF)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def slow_emulator():
    proc = subprocess.Popen([PCLUA, "emulator", "--port", "0", "--latency-ms", "300", "--rate-limit", "0"], stdout=subprocess.PIPE, text=True)
    url = re.search(r"http://\S+", proc.stdout.readline()).group(0)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def test_ctrl_c_in_a_loop_reads_interrupted_not_the_internals(home, slow_emulator):
    loop = "while true do for g in purecloud.GroupsApi.new():each_group{ page_size = 1 } do end end"
    credentials = ["--base-url", slow_emulator, "--client-id", "emulator-client", "--client-secret", "emulator-secret"]
    # A script: one line, exit 130.
    child = pexpect.spawn(PCLUA, credentials + ["--quiet", "-e", loop], encoding="utf-8", timeout=15, env=dict(os.environ, HOME=home))
    child.expect(pexpect.TIMEOUT, timeout=1.5)
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert "prelude" not in child.before and "interrupted" in child.before, child.before
    assert child.exitstatus == 130
    # The REPL: the loop stops, the session goes on.
    child = spawn(credentials, home)
    child.sendline(loop)
    child.expect(pexpect.TIMEOUT, timeout=1.5)
    child.sendintr()
    child.expect(PROMPT)
    assert "prelude" not in child.before and "interrupted" in child.before, child.before
    assert "3" in run(child, "1 + 2")
    child.sendcontrol("d")
    child.expect(pexpect.EOF)
