"""`pclua definitions --out DIR` (issue 22): the editor's definitions file and luacheck's standard,
written from the declared surface; every script pclua ships is luacheck-clean with it."""
import glob
import os
import subprocess

import pytest

from test_repl import PCLUA

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# The Lua pclua ships: the example and admin scripts, and the module's own Lua files.
SHIPPED = sorted(glob.glob(os.path.join(ROOT, "scripts", "*.lua")) + glob.glob(os.path.join(ROOT, "scripts", "examples", "*.lua"))
                 + glob.glob(os.path.join(ROOT, "Sources", "*", "*.lua")))


@pytest.fixture
def definitions(tmp_path):
    out = tmp_path / "defs"
    done = subprocess.run([PCLUA, "definitions", "--out", str(out)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "purecloud.d.lua" in done.stdout
    return out


def live(code):
    done = subprocess.run([PCLUA, "-e", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def luacheck(config, *files):
    # The project's line length is 160 (as its Swift); luacheck's default is 120.
    return subprocess.run(["luacheck", "--no-color", "--config", str(config), "--max-line-length", "160", *files],
                          capture_output=True, text=True, timeout=120)


def test_the_definitions_name_every_operation_helper_and_setting_of_the_live_module(definitions):
    text = (definitions / "purecloud.d.lua").read_text()
    assert text.startswith("---@meta")
    for name in live("for _, n in ipairs(purecloud.operations) do print(n) end"):
        assert ":%s(" % name in text, name
    methods = live("for _, api in ipairs{ 'GroupsApi', 'UsersApi' } do for k, v in pairs(purecloud[api].metatable.__index) do "
                   "if type(v) == 'function' and not k:match('^_') then print(api .. ':' .. k) end end end")
    assert "GroupsApi:sync_members" in methods and "UsersApi:resolve" in methods
    for method in methods:
        assert "function purecloud.%s(" % method in text, method
    # configure's settings, as its own error message lists them.
    done = subprocess.run([PCLUA, "-e", "purecloud.configure{ bogus = 1 }"], capture_output=True, text=True, timeout=60)
    settings = done.stderr.split("(options: ")[1].split(")")[0].split(", ")
    assert "token_pool" in settings and "concurrency" in settings
    for setting in settings:
        assert "---@field %s? " % setting in text, setting
    # The file is Lua (an editor loads it as such).
    assert live("assert(loadfile(%r)); print('loads')" % str(definitions / "purecloud.d.lua")) == ["loads"]


def test_every_shipped_script_is_luacheck_clean_with_the_pclua_standard(definitions):
    assert len(SHIPPED) >= 6, SHIPPED
    done = luacheck(definitions / ".luacheckrc", *SHIPPED)
    assert done.returncode == 0, done.stdout + done.stderr


def test_luacheck_reports_a_misspelt_module_field_and_an_unknown_global(definitions, tmp_path):
    script = tmp_path / "typo.lua"
    script.write_text("local api = purecloud.GroupApi.new()\nprint(api, arg[1])\nhelp(api)\nprnt('x')\n")
    done = luacheck(definitions / ".luacheckrc", str(script))
    assert done.returncode != 0
    assert "undefined field 'GroupApi" in done.stdout, done.stdout
    assert "prnt" in done.stdout
    assert "'arg'" not in done.stdout and "'help'" not in done.stdout, done.stdout


def test_a_luacheckrc_pclua_did_not_write_is_left_alone(tmp_path):
    own = tmp_path / ".luacheckrc"
    own.write_text("std = 'max'\n")
    done = subprocess.run([PCLUA, "definitions", "--out", str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "was not written by pclua" in done.stderr and "--force" in done.stderr
    assert own.read_text() == "std = 'max'\n"
    assert not (tmp_path / "purecloud.d.lua").exists()
    # Written again over its own files, it replaces them.
    done = subprocess.run([PCLUA, "definitions", "--out", str(tmp_path), "--force"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    again = subprocess.run([PCLUA, "definitions", "--out", str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert again.returncode == 0, again.stderr


def test_a_folder_that_cannot_be_made_is_one_line_a_person_reads(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    done = subprocess.run([PCLUA, "definitions", "--out", str(blocker / "defs")], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip() == "pclua definitions: cannot make the folder %s: Not a directory" % (blocker / "defs"), done.stderr
    done = subprocess.run([PCLUA, "definitions", "--out", str(blocker)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "is not a folder" in done.stderr, done.stderr
