"""
test_postmap.py - postmap: build, query, list, delete and update tables

Every expected output and message here is what Postfix 3.7's postmap
prints for the same input (checked side by side with its postmap). The
tables are built and queried with the installed program, in each test's
own directory, with each file-backed type the table layer has.
"""

import os
import shutil
import stat
import tempfile

import pytest


def write(path, text, mode=None):
    with open(path, "w") as f:
        f.write(text)
    if mode is not None:
        os.chmod(path, mode)
    return str(path)


def stderr_lines(proc):
    return proc.stderr.splitlines()


SOURCE = """\
# a comment
Foo bar
  
Baz   qux quux
  continued
"a b" c
foo dup
novalue
user@example.com OK
"""


@pytest.fixture
def table(config, tmp_path):
    """A hash table built from SOURCE; returns (path, build result)."""
    path = write(tmp_path / "table", SOURCE)
    proc = config.run("postmap", "hash:" + path)
    return path, proc


def test_build_and_query(config, table):
    path, proc = table
    assert proc.returncode == 0
    assert os.path.exists(path + ".db")
    # Duplicate and malformed lines are warnings that name file and line.
    assert stderr_lines(proc) == [
        'postmap: warning: %s.db: duplicate entry: "foo"' % path,
        "postmap: warning: %s, line 8: expected format: key whitespace value"
        % path,
    ]
    q = config.run("postmap", "-q", "foo", "hash:" + path)
    assert (q.returncode, q.stdout, q.stderr) == (0, "bar\n", "")
    # Continuation lines join with their white space kept.
    q = config.run("postmap", "-q", "baz", "hash:" + path)
    assert q.stdout == "qux quux  continued\n"
    q = config.run("postmap", "-q", "novalue", "hash:" + path)
    assert (q.returncode, q.stdout, q.stderr) == (1, "", "")


def test_case_folding(config, table, tmp_path):
    path, _ = table
    # Keys are folded when building and when querying.
    assert config.run("postmap", "-q", "FOO", "hash:" + path).stdout == "bar\n"
    assert config.run("postmap", "-q", "User@Example.COM",
                      "hash:" + path).stdout == "OK\n"
    # -f keeps the case on both sides.
    src = write(tmp_path / "cased", "Key Val\n")
    assert config.run("postmap", "-f", src).returncode == 0
    assert config.run("postmap", "-q", "Key", src).returncode == 1
    assert config.run("postmap", "-q", "key", src).returncode == 1
    q = config.run("postmap", "-f", "-q", "Key", src)
    assert (q.returncode, q.stdout) == (0, "Val\n")
    assert config.run("postmap", "-s", src).stdout == "Key\tVal\n"


def test_default_type_is_hash(config, tmp_path):
    src = write(tmp_path / "plain", "a b\n")
    assert config.run("postmap", src).returncode == 0
    assert os.path.exists(src + ".db")
    assert config.run("postmap", "-q", "a", "hash:" + src).stdout == "b\n"
    assert config.run("postmap", "-q", "a", src).stdout == "b\n"


def test_default_database_type_parameter(config, tmp_path):
    config.write_main_cf(config.read_main_cf()
                         + "default_database_type = btree\n")
    src = write(tmp_path / "bt", "a b\n")
    assert config.run("postmap", src).returncode == 0
    assert config.run("postmap", "-q", "a", "btree:" + src).stdout == "b\n"
    proc = config.run("postmap", "-q", "a", "hash:" + src)
    assert proc.returncode == 1
    assert "open database %s.db" % src in proc.stderr


def test_query_stdin_format(config, table):
    path, _ = table
    proc = config.run("postmap", "-q", "-", "hash:" + path,
                      input="foo\nnone\nBAZ\n\"a b\"\n")
    assert proc.returncode == 0
    # The key as given, a tab, the value; keys not found print nothing.
    assert proc.stdout == ("foo\tbar\nBAZ\tqux quux  continued\n"
                           "\"a b\"\tc\n")
    proc = config.run("postmap", "-q", "-", "hash:" + path,
                      input="none\nother\n")
    assert (proc.returncode, proc.stdout) == (1, "")


def test_several_maps_first_wins(config, tmp_path):
    a = write(tmp_path / "a", "k1 from-a\nshared a\n")
    b = write(tmp_path / "b", "k2 from-b\nshared b\n")
    assert config.run("postmap", a, b).returncode == 0
    assert config.run("postmap", "-q", "shared", a, b).stdout == "a\n"
    assert config.run("postmap", "-q", "shared", b, a).stdout == "b\n"
    assert config.run("postmap", "-q", "k2", a, b).stdout == "from-b\n"
    assert config.run("postmap", "-q", "zz", a, b).returncode == 1
    proc = config.run("postmap", "-q", "-", a, b, input="k1\nk2\nzz\n")
    assert proc.stdout == "k1\tfrom-a\nk2\tfrom-b\n"


def test_list(config, table):
    path, _ = table
    proc = config.run("postmap", "-s", "hash:" + path)
    assert proc.returncode == 0
    # Database order is not source order; quoted keys keep their quotes.
    assert sorted(proc.stdout.splitlines()) == sorted([
        "foo\tbar", "baz\tqux quux  continued", "\"a b\"\tc",
        "user@example.com\tOK"])
    # Only the first table is listed; no table at all just fails.
    assert config.run("postmap", "-s").returncode == 1


def test_delete(config, table):
    path, _ = table
    proc = config.run("postmap", "-d", "FOO", "hash:" + path)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")
    assert config.run("postmap", "-q", "foo", "hash:" + path).returncode == 1
    assert config.run("postmap", "-d", "foo", "hash:" + path).returncode == 1
    # -d -: keys from stdin; status 0 when any was found.
    proc = config.run("postmap", "-d", "-", "hash:" + path,
                      input="nothere\nbaz\n")
    assert proc.returncode == 0
    proc = config.run("postmap", "-s", "hash:" + path)
    assert sorted(proc.stdout.splitlines()) == ["\"a b\"\tc",
                                                "user@example.com\tOK"]
    proc = config.run("postmap", "-d", "-", "hash:" + path, input="nothere\n")
    assert proc.returncode == 1


def test_incremental(config, table):
    path, _ = table
    proc = config.run("postmap", "-i", "hash:" + path,
                      input="new val\nbaz other\n")
    assert proc.returncode == 0
    assert stderr_lines(proc) == [
        'postmap: warning: %s.db: duplicate entry: "baz"' % path]
    assert config.run("postmap", "-q", "new", path).stdout == "val\n"
    assert config.run("postmap", "-q", "baz", path).stdout == \
        "qux quux  continued\n"
    assert config.run("postmap", "-q", "foo", path).stdout == "bar\n"
    # -r replaces silently, -w ignores silently.
    proc = config.run("postmap", "-i", "-r", path, input="baz third\n")
    assert (proc.returncode, proc.stderr) == (0, "")
    assert config.run("postmap", "-q", "baz", path).stdout == "third\n"
    proc = config.run("postmap", "-i", "-w", path, input="baz fourth\n")
    assert (proc.returncode, proc.stderr) == (0, "")
    assert config.run("postmap", "-q", "baz", path).stdout == "third\n"


def test_incremental_creates(config, tmp_path):
    path = str(tmp_path / "fresh")
    assert config.run("postmap", "-i", path, input="k v\n").returncode == 0
    assert config.run("postmap", "-q", "k", path).stdout == "v\n"


def test_rebuild_is_atomic_replacement(config, tmp_path):
    directory = tmp_path / "tables"
    directory.mkdir()
    src = write(directory / "t", "old1 a\nold2 b\n")
    assert config.run("postmap", src).returncode == 0
    before = os.stat(src + ".db").st_ino
    # A reader that has the old file open keeps a whole old table.
    with open(src + ".db", "rb") as old:
        write(src, "new1 c\n")
        assert config.run("postmap", src).returncode == 0
        assert os.fstat(old.fileno()).st_ino == before
    assert os.stat(src + ".db").st_ino != before
    assert config.run("postmap", "-s", src).stdout == "new1\tc\n"
    # Nothing else is left behind in the directory.
    assert sorted(os.listdir(directory)) == ["t", "t.db"]


def test_null_byte_options(config, tmp_path):
    src = write(tmp_path / "n", "key val\n")
    assert config.run("postmap", "-N", src).returncode == 0
    assert config.run("postmap", "-q", "key", src).stdout == "val\n"
    assert config.run("postmap", "-n", "-q", "key", src).returncode == 1
    assert config.run("postmap", "-n", src).returncode == 0
    assert config.run("postmap", "-q", "key", src).stdout == "val\n"
    assert config.run("postmap", "-N", "-q", "key", src).returncode == 1


def test_quoted_keys_and_bad_quotes(config, tmp_path):
    src = write(tmp_path / "q",
                '"a\\"b" v1\n"x y" v2\n"unterminated v3\nok v4\n')
    proc = config.run("postmap", src)
    assert proc.returncode == 0
    assert stderr_lines(proc) == [
        "postmap: warning: %s, line 3: unbalanced '\"' in "
        "'\"unterminated v3' -- ignoring this line" % src]
    assert sorted(config.run("postmap", "-s", src).stdout.splitlines()) == \
        ['"a\\"b"\tv1', '"x y"\tv2', "ok\tv4"]


def test_source_syntax_warnings(config, tmp_path):
    src = write(tmp_path / "w", "  leading val\nk v\nalias: x\n")
    proc = config.run("postmap", src)
    assert proc.returncode == 0
    assert stderr_lines(proc) == [
        'postmap: warning: %s: logical line must not start with '
        'whitespace: "  leading val"' % src,
        'postmap: warning: %s, line 3: record is in "key: value" format; '
        'is this an alias file?' % src]


def test_utf8_checks(config, tmp_path):
    path = str(tmp_path / "u")
    with open(path, "wb") as f:
        f.write(b"\xff\xfe bad\ngood v\nk\xc3\xa9 v\xc3\xa9\n")
    proc = config.run("postmap", path)
    assert stderr_lines(proc) == [
        'postmap: warning: %s, line 1: non-UTF-8 input "?? bad" -- '
        'ignoring this line' % path]
    assert sorted(config.run("postmap", "-s", path).stdout.splitlines()) == \
        ["good\tv", "k\u00e9\tv\u00e9"]
    assert config.run("postmap", "-u", path).stderr == ""


def test_errors(config, tmp_path):
    missing = str(tmp_path / "missing")
    proc = config.run("postmap", "-q", "x", missing)
    assert proc.returncode == 1
    assert proc.stderr == ("postmap: fatal: open database %s.db: No such "
                           "file or directory\n" % missing)
    proc = config.run("postmap", missing)
    assert proc.returncode == 1
    assert proc.stderr == ("postmap: fatal: open %s: No such file or "
                           "directory\n" % missing)
    src = write(tmp_path / "s", "a b\n")
    for kind in ("texthash", "regexp", "cidr", "nosuchtype"):
        proc = config.run("postmap", "%s:%s" % (kind, src))
        assert proc.returncode == 1
        assert proc.stderr == ("postmap: fatal: unsupported map type for "
                               "this operation: %s\n" % kind)
    proc = config.run("postmap", "-q", "x", "nosuchtype:" + src)
    assert proc.stderr == "postmap: fatal: unsupported dictionary type: " \
        "nosuchtype\n"
    proc = config.run("postmap", "-q", "x", "-s", src)
    assert proc.stderr == "postmap: fatal: specify only one of -s -q or -d\n"
    proc = config.run("postmap", "-b", src)
    assert proc.stderr == 'postmap: fatal: specify -b -h or -m only with ' \
        '"-q -"\n'
    usage = ("postmap: fatal: usage: postmap [-bfFhimnNoprsuUvw] "
             "[-c config_dir] [-d key] [-q key] [map_type:]file...\n")
    assert config.run("postmap").stderr == usage
    assert config.run("postmap", "-q", "x").stderr == usage
    proc = config.run("postmap", "-Z", src)
    assert proc.returncode == 1
    assert proc.stderr == "postmap: invalid option -- 'Z'\n" + usage
    proc = config.run("postmap", "proxy:hash:" + src)
    assert proc.stderr == "postmap: fatal: can't create maps via the " \
        "proxy service\n"


def test_texthash(config, tmp_path):
    src = write(tmp_path / "th", "Foo bar\nbaz qux\n")
    assert config.run("postmap", "-q", "FOO", "texthash:" + src).stdout == \
        "bar\n"
    proc = config.run("postmap", "-s", "texthash:" + src)
    assert sorted(proc.stdout.splitlines()) == ["baz\tqux", "foo\tbar"]
    proc = config.run("postmap", "-d", "foo", "texthash:" + src)
    assert proc.stderr == ("postmap: fatal: texthash:%s map requires "
                           "O_RDONLY access mode\n" % src)


def test_btree(config, tmp_path):
    src = write(tmp_path / "bt", "b 2\na 1\nc 3\n")
    assert config.run("postmap", "btree:" + src).returncode == 0
    # A btree lists in key order.
    assert config.run("postmap", "-s", "btree:" + src).stdout == \
        "a\t1\nb\t2\nc\t3\n"
    assert config.run("postmap", "-q", "B", "btree:" + src).stdout == "2\n"


def test_cidr(config, tmp_path):
    src = write(tmp_path / "cidr", "10.0.0.0/8 OK\n192.168.1.1 REJECT\n")
    spec = "cidr:" + src
    assert config.run("postmap", "-q", "10.1.2.3", spec).stdout == "OK\n"
    assert config.run("postmap", "-q", "192.168.1.1", spec).stdout == \
        "REJECT\n"
    assert config.run("postmap", "-q", "192.168.1.2", spec).returncode == 1
    proc = config.run("postmap", "-s", spec)
    assert proc.stderr == ("postmap: fatal: table %s: sequence operation is "
                           "not supported\n" % spec)


@pytest.mark.parametrize("kind", ["regexp", "pcre"])
def test_pattern_tables(config, tmp_path, kind):
    src = write(tmp_path / kind, "/^Foo(.*)/ got $1\n/^x/ X\n")
    spec = "%s:%s" % (kind, src)
    # Not folded by postmap: the pattern decides (case-insensitive here).
    assert config.run("postmap", "-q", "Foobar", spec).stdout == "got bar\n"
    assert config.run("postmap", "-q", "FOOBAR", spec).stdout == "got BAR\n"
    proc = config.run("postmap", "-q", "-", spec, input="foo1\nnone\nxy\n")
    assert proc.stdout == "foo1\tgot 1\nxy\tX\n"


def test_inline_and_static(config):
    assert config.run("postmap", "-q", "x",
                      "inline:{x=y, z=w}").stdout == "y\n"
    assert config.run("postmap", "-q", "q", "inline:{x=y}").returncode == 1
    proc = config.run("postmap", "-s", "inline:{x=y, z=w}")
    assert sorted(proc.stdout.splitlines()) == ["x\ty", "z\tw"]
    assert config.run("postmap", "-q", "anything",
                      "static:hello").stdout == "hello\n"
    proc = config.run("postmap", "-d", "x", "static:y")
    assert proc.stderr == "postmap: fatal: table static:y: delete " \
        "operation is not supported\n"


MESSAGE = """\
Subject: hello
  world
From: a@b
X-Bad header
body1
body3
"""

MIME = """\
From: a@b
Content-Type: multipart/mixed;
\tboundary="XYZ"

preamble
--XYZ
Content-Type: text/plain

part1 text
--XYZ
Content-Type: message/rfc822

Subject: inner

inner body
--XYZ--
epilogue
"""


def test_header_and_body_keys(config, tmp_path):
    spec = "regexp:" + write(tmp_path / "hb", "/(.+)/ [$1]\n")
    proc = config.run("postmap", "-h", "-q", "-", spec, input=MESSAGE)
    # A continued header is one key, newline included.
    assert proc.stdout == ("Subject: hello\n  world\t[Subject: hello\n"
                           "  world]\nFrom: a@b\t[From: a@b]\n")
    proc = config.run("postmap", "-b", "-q", "-", spec, input=MESSAGE)
    assert proc.stdout == ("X-Bad header\t[X-Bad header]\nbody1\t[body1]\n"
                           "body3\t[body3]\n")
    # -m: part headers are headers, boundaries are body lines.
    proc = config.run("postmap", "-m", "-h", "-q", "-", spec, input=MIME)
    assert proc.stdout.splitlines() == [
        "From: a@b\t[From: a@b]",
        "Content-Type: multipart/mixed;",
        '\tboundary="XYZ"\t[Content-Type: multipart/mixed;',
        '\tboundary="XYZ"]',
        "Content-Type: text/plain\t[Content-Type: text/plain]",
        "Content-Type: message/rfc822\t[Content-Type: message/rfc822]",
        "Subject: inner\t[Subject: inner]"]
    proc = config.run("postmap", "-m", "-b", "-q", "-", spec, input=MIME)
    assert [line.split("\t")[0] for line in proc.stdout.splitlines()] == [
        "preamble", "--XYZ", "part1 text", "--XYZ", "inner body",
        "--XYZ--", "epilogue"]
    # Without -m, part headers are body lines.
    proc = config.run("postmap", "-b", "-q", "-", spec, input=MIME)
    assert "Content-Type: text/plain\t[Content-Type: text/plain]" in \
        proc.stdout.splitlines()
    proc = config.run("postmap", "-m", "-q", "-", spec, input="a\n")
    assert proc.stderr == "postmap: warning: ignoring -m option without " \
        "-b or -h\n"


def test_file_values(config, tmp_path):
    f1 = write(tmp_path / "f1", "c1\n")
    f2 = write(tmp_path / "f2", "c2\n")
    src = write(tmp_path / "ff", "k1 %s\nk2 %s, %s\nk3 %s\n"
                % (f1, f1, f2, tmp_path / "nofile"))
    proc = config.run("postmap", "-F", src)
    assert proc.stderr == ("postmap: warning: %s, line 3: open %s: No such "
                           "file or directory: skipping this entry\n"
                           % (src, tmp_path / "nofile"))
    assert config.run("postmap", "-q", "k1", src).stdout == "YzEK\n"
    assert config.run("postmap", "-F", "-q", "k2", src).stdout == \
        "c1\n\nc2\n\n"


def test_permissions_follow_source(config, tmp_path):
    src = write(tmp_path / "p", "k v\n", mode=0o640)
    assert config.run("postmap", src).returncode == 0
    assert stat.S_IMODE(os.stat(src + ".db").st_mode) == 0o640
    os.unlink(src + ".db")
    assert config.run("postmap", "-p", src).returncode == 0
    assert stat.S_IMODE(os.stat(src + ".db").st_mode) == 0o644


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root")
def test_root_builds_as_source_owner(config):
    uid, gid = 65534, 65534
    directory = tempfile.mkdtemp(prefix="postmap-owner.")
    try:
        os.chmod(directory, 0o777)
        src = write(os.path.join(directory, "t"), "k v\n", mode=0o644)
        os.chown(src, uid, gid)
        proc = config.run("postmap", src)
        assert proc.returncode == 0, proc.stderr
        st = os.stat(src + ".db")
        assert (st.st_uid, st.st_gid) == (uid, gid)
        # -o: stay root.
        os.unlink(src + ".db")
        assert config.run("postmap", "-o", src).returncode == 0
        st = os.stat(src + ".db")
        assert (st.st_uid, st.st_gid) == (0, 0)
    finally:
        shutil.rmtree(directory)


def test_mail_config_environment(config, tmp_path):
    config.write_main_cf(config.read_main_cf()
                         + "default_database_type = btree\n")
    src = write(tmp_path / "e", "a b\n")
    proc = config.run("postmap", src, use_c=False,
                      env={"MAIL_CONFIG": config.dir})
    assert proc.returncode == 0
    assert config.run("postmap", "-s", "btree:" + src).stdout == "a\tb\n"


def test_bad_main_cf_is_fatal(config, tmp_path):
    os.unlink(config.main_cf)
    src = write(tmp_path / "m", "a b\n")
    proc = config.run("postmap", src)
    assert proc.returncode == 1
    assert "main.cf" in proc.stderr and "fatal" in proc.stderr
    assert not os.path.exists(src + ".db")


def test_empty_table_file(config, tmp_path):
    src = write(tmp_path / "empty", "# nothing\n\n")
    assert config.run("postmap", src).returncode == 0
    proc = config.run("postmap", "-s", src)
    assert (proc.returncode, proc.stdout) == (0, "")
