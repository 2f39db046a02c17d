"""
test_map_mysql.py - the mysql: table against a private MariaDB server

Every test runs the installed "postmap -q KEY mysql:FILE.cf" (or "-q -")
the way an administrator checks a table, against the server that
mariadb.py starts for this module (its tables are in mariadb.SCHEMA).
The expected answers are those of Postfix 3.7's mysql_table(5): values
of all rows and columns joined with commas, the '%' expansions of query
and result_format, keys outside "domain" and keys that lack what the
templates need never reach the server, and a server that does not
answer makes the lookup fail (postmap: "fatal: table ...: query error",
exit status 1, as Postfix's postmap) instead of "not found" (exit 1
without a message).

Diagnostics are compared without the program's path: "postmap: warning:
..." and "/path/to/postmap: warning: ..." both become "warning: ...".
"""

import re
import subprocess
import time

import pytest

from mariadb import DBNAME, DBPASS, DBUSER, free_port
from mariadb import mariadb_server  # noqa: F401 (a fixture)


def diags(proc):
    """stderr as a list of "warning: ..." / "fatal: ..." lines."""
    lines = []
    for line in proc.stderr.splitlines():
        m = re.match(r"^(?:\S*/)?postmap: (.*)$", line)
        lines.append(m.group(1) if m else line)
    return lines


@pytest.fixture
def table(mariadb_server, config, tmp_path):  # noqa: F811
    """Writes a .cf file; returns a function(text or settings) -> path."""
    count = [0]

    def make(query=None, text=None, **settings):
        if text is None:
            values = {
                "hosts": "unix:" + mariadb_server.socket,
                "user": DBUSER,
                "password": DBPASS,
                "dbname": DBNAME,
            }
            if query is not None:
                values["query"] = query
            values.update(settings)
            text = "".join("%s = %s\n" % (k, v) for k, v in values.items()
                           if v is not None)
        count[0] += 1
        path = tmp_path / ("mysql%d.cf" % count[0])
        path.write_text(text)
        return str(path)
    return make


def query(config, key, path, *options):
    """postmap -q key mysql:path."""
    return config.run("postmap", *options, "-q", key, "mysql:" + path)


def queries(config, keys, path, *options):
    """postmap -q - mysql:path, with keys on standard input."""
    return config.run("postmap", *options, "-q", "-", "mysql:" + path,
                      input="".join(k + "\n" for k in keys))


def found(proc, value):
    """The lookup found value, and said nothing else."""
    assert (proc.returncode, proc.stdout, diags(proc)) == (0, value + "\n", [])


def not_found(proc):
    """The lookup found nothing, and that is not an error."""
    assert (proc.returncode, proc.stdout, diags(proc)) == (1, "", [])


def failed(proc, path, reason):
    """The lookup failed (a temporary error), with this reason."""
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == ""
    fatal = [d for d in diags(proc) if d.startswith("fatal: ")]
    assert len(fatal) == 1, proc.stderr
    assert fatal[0].startswith("fatal: table mysql:%s: query error: " % path)
    assert reason in fatal[0], proc.stderr


ALIAS_QUERY = ("SELECT goto FROM aliases WHERE address = '%s' AND active = 1"
               " ORDER BY goto")


def test_lookup(config, table):
    path = table(ALIAS_QUERY)
    found(query(config, "user@example.com", path), "target@example.net")
    not_found(query(config, "nobody@example.com", path))
    # Several rows: one value, joined with commas.
    found(query(config, "list@example.com", path),
          "one@example.net,two@example.org")
    # postmap folds the key of a fixed-key table to lower case, not -f.
    echo = table("SELECT '%s'")
    found(query(config, "MiXed@Example.COM", echo), "mixed@example.com")
    found(query(config, "MiXed@Example.COM", echo, "-f"),
          "MiXed@Example.COM")


def test_lookup_many_keys(config, table):
    path = table(ALIAS_QUERY)
    proc = queries(config, ["user@example.com", "nobody@example.com",
                            "list@example.com", "postmaster"], path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ("user@example.com\ttarget@example.net\n"
                           "list@example.com\tone@example.net,two@example.org\n"
                           "postmaster\troot@example.net\n")
    assert diags(proc) == []


def test_columns_null_and_empty(config, table):
    path = table("SELECT goto, address FROM aliases WHERE address = '%s'")
    found(query(config, "user@example.com", path),
          "target@example.net,user@example.com")
    # SQL NULL is skipped quietly; an empty string with Postfix's warning.
    found(query(config, "null@example.com", path), "null@example.com")
    only = table("SELECT goto FROM aliases WHERE address = '%s'")
    not_found(query(config, "null@example.com", only))
    proc = query(config, "empty@example.com", only)
    assert (proc.returncode, proc.stdout) == (1, "")
    assert diags(proc) == [
        'warning: table "mysql:%s": empty lookup result for: '
        '"empty@example.com" -- ignored' % only]


def test_query_expansions(config, table):
    path = table("SELECT 's=%s u=%u d=%d 1=%1 2=%2 3=%3 "
                 "S=%S U=%U D=%D p=%%'")
    found(query(config, "joe@mail.example.com", path),
          "s=joe@mail.example.com u=joe d=mail.example.com 1=com 2=example "
          "3=mail S=joe@mail.example.com U=joe D=mail.example.com p=%")


@pytest.mark.parametrize("template,key,want", [
    ("%s", "postmaster", "postmaster"),
    ("%u", "postmaster", "postmaster"),
    ("%u", "joe@example.com", "joe"),
    ("%d", "joe@example.com", "example.com"),
    ("%u/%d", "a@b@example.com", "a@b/example.com"),
    ("%1.%2", "joe@example.com", "com.example"),
    ("100%%", "x", "100%"),
    # Keys that lack what the query needs are not looked up.
    ("%d", "postmaster", None),
    ("%D", "postmaster", None),
    ("%u", "@example.com", None),
    ("%3", "joe@example.com", None),
    ("%1", "joe@", None),
])
def test_query_expansion_each(config, table, template, key, want):
    path = table("SELECT '%s'" % template)
    proc = query(config, key, path)
    if want is None:
        not_found(proc)
    else:
        found(proc, want)


def test_suppressed_keys_never_reach_the_server(config, table, tmp_path):
    # With no server at all, a key the query cannot use is "not found"
    # (and quietly), while a key it can use is a query error.
    dead = "unix:" + str(tmp_path / "dead.sock")
    path = table("SELECT goto FROM aliases WHERE address = '%u@%d'",
                 hosts=dead)
    not_found(query(config, "postmaster", path))
    not_found(query(config, "@example.com", path))
    failed(query(config, "joe@example.com", path), path,
           "connect to mysql server " + dead)


def test_quoting(config, table):
    path = table("SELECT goto FROM aliases WHERE address = '%s'")
    found(query(config, "o'brien@example.com", path), "irish@example.net")
    # Without quoting this would match every row.
    not_found(query(config, "x' OR '1'='1", path))
    not_found(query(config, "x\\' OR 1=1 -- ", path))
    # The pieces of an address are quoted one by one.
    parts = table("SELECT goto FROM aliases WHERE address = CONCAT('%u', "
                  "'@', '%d')")
    found(query(config, "o'brien@example.com", parts), "irish@example.net")
    echo = table("SELECT '%s'")
    found(query(config, "a'b\\c\"d", echo), "a'b\\c\"d")


@pytest.mark.parametrize("result_format,key,want", [
    ("smtp:[%s]", "list@example.com",
     "smtp:[one@example.net],smtp:[two@example.org]"),
    ("%u", "list@example.com", "one,two"),
    ("%d", "list@example.com", "example.net,example.org"),
    ("%%%s%%", "user@example.com", "%target@example.net%"),
    ("%s for %U at %D (%2)", "user@example.com",
     "target@example.net for user at example.com (example)"),
    ("%s/%S", "postmaster", "root@example.net/postmaster"),
    # A value without a domain is skipped by %d; nothing left: not found.
    ("%d", "bare@example.com", None),
    # result_format needs the key's domain: "postmaster" is not looked up.
    ("%s@%D", "postmaster", None),
])
def test_result_format(config, table, result_format, key, want):
    path = table(ALIAS_QUERY, result_format=result_format)
    proc = query(config, key, path)
    if want is None:
        not_found(proc)
    else:
        found(proc, want)


def test_expansion_limit(config, table):
    path = table(ALIAS_QUERY, expansion_limit="1")
    found(query(config, "user@example.com", path), "target@example.net")
    proc = query(config, "list@example.com", path)
    failed(proc, path, "expansion limit exceeded for key: 'list@example.com'")
    assert ("warning: mysql:%s: expansion limit exceeded for key: "
            "'list@example.com'" % path) in diags(proc)
    path = table(ALIAS_QUERY, expansion_limit="2")
    found(query(config, "list@example.com", path),
          "one@example.net,two@example.org")


def test_domain(config, table, tmp_path):
    listed = tmp_path / "domains"
    listed.write_text("# searched domains\nexample.net\n")
    path = table("SELECT '%s'", domain="Example.COM, %s inline:{ "
                 "example.org=yes }" % listed)
    found(query(config, "joe@example.com", path), "joe@example.com")
    found(query(config, "joe@example.org", path), "joe@example.org")
    found(query(config, "joe@example.net", path), "joe@example.net")
    not_found(query(config, "joe@example.edu", path))
    not_found(query(config, "joe@sub.example.com", path))
    # Only user@domain with a non-empty user is looked up.
    not_found(query(config, "postmaster", path))
    not_found(query(config, "@example.com", path))
    not_found(query(config, "example.com", path))


def test_domain_skips_the_server(config, table, tmp_path):
    dead = "unix:" + str(tmp_path / "dead.sock")
    path = table("SELECT '%s'", domain="example.com", hosts=dead)
    not_found(query(config, "joe@example.org", path))
    failed(query(config, "joe@example.com", path), path,
           "connect to mysql server")


def test_legacy_form(config, table):
    path = table(None, table="aliases", select_field="goto",
                 where_field="address",
                 additional_conditions="AND active = 1")
    found(query(config, "user@example.com", path), "target@example.net")
    not_found(query(config, "gone@example.com", path))
    found(query(config, "o'brien@example.com", path), "irish@example.net")
    # Without additional_conditions.
    path = table(None, table="aliases", select_field="goto",
                 where_field="address")
    found(query(config, "gone@example.com", path), "old@example.net")
    # "query" wins over the legacy settings.
    path = table("SELECT 'from query'", table="aliases",
                 select_field="goto", where_field="address")
    found(query(config, "user@example.com", path), "from query")


def test_stored_procedure(config, table):
    path = table("CALL lookup_alias('%s')")
    found(query(config, "user@example.com", path), "target@example.net")
    not_found(query(config, "gone@example.com", path))
    # The connection stays in step after a procedure's extra result.
    proc = queries(config, ["user@example.com", "postmaster"], path)
    assert proc.stdout == ("user@example.com\ttarget@example.net\n"
                           "postmaster\troot@example.net\n"), proc.stderr


def test_require_result_set(config, table):
    path = table("DO '%s'")
    failed(query(config, "user@example.com", path), path,
           "require_result_set")
    path = table("DO '%s'", require_result_set="no")
    not_found(query(config, "user@example.com", path))


def test_sql_error(config, table):
    path = table("SELECT nosuchcolumn FROM aliases WHERE address = '%s'")
    proc = query(config, "user@example.com", path)
    failed(proc, path, "query failed: Unknown column 'nosuchcolumn'")
    # Postfix's warning; the lone host is listed twice, so it is tried twice.
    warnings = [d for d in diags(proc) if d.startswith("warning: ")]
    assert len(warnings) == 2, warnings
    for w in warnings:
        assert w.startswith("warning: mysql:%s: query failed: Unknown column "
                            "'nosuchcolumn'" % path), w


@pytest.mark.parametrize("form", ["inet:127.0.0.1:%d", "127.0.0.1:%d"])
def test_tcp_host(config, table, mariadb_server, form):  # noqa: F811
    path = table(ALIAS_QUERY, hosts=form % mariadb_server.port)
    found(query(config, "user@example.com", path), "target@example.net")


def test_failover(config, table, mariadb_server, tmp_path):  # noqa: F811
    # UNIX-domain sockets are tried first: the dead one, then TCP.
    dead = "unix:" + str(tmp_path / "dead.sock")
    path = table(ALIAS_QUERY, hosts="%s inet:127.0.0.1:%d"
                 % (dead, mariadb_server.port))
    proc = queries(config, ["user@example.com", "list@example.com"], path)
    assert proc.returncode == 0
    assert proc.stdout == ("user@example.com\ttarget@example.net\n"
                           "list@example.com\tone@example.net,two@example.org\n")
    # One attempt: the failed host is left alone for retry_interval.
    warnings = diags(proc)
    assert len(warnings) == 1, warnings
    assert warnings[0].startswith("warning: connect to mysql server %s: "
                                  % dead)

    # Two TCP hosts, one dead: whichever comes first, the lookup works.
    path = table(ALIAS_QUERY, hosts="inet:127.0.0.1:%d, inet:127.0.0.1:%d"
                 % (free_port(), mariadb_server.port))
    for _ in range(3):
        proc = query(config, "user@example.com", path)
        assert (proc.returncode, proc.stdout) == (0, "target@example.net\n")


def connections(server):
    """Connections the server has accepted, not counting this one."""
    out = server.sql("SHOW GLOBAL STATUS LIKE 'Connections'")
    return int(out.split()[1]) - 1


def test_idle_connection(config, table, mariadb_server):  # noqa: F811
    # One connection serves many lookups; after idle_interval seconds
    # without a lookup it is closed, and the next lookup opens another.
    for idle, pause, want in ((60, 0, 1), (1, 2.2, 2)):
        path = table(ALIAS_QUERY, idle_interval=str(idle))
        before = connections(mariadb_server)
        proc = subprocess.Popen(
            [config.installed.command("postmap"), "-c", config.dir, "-q",
             "-", "mysql:" + path], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            proc.stdin.write("user@example.com\n")
            proc.stdin.flush()
            time.sleep(pause + 0.3)
            out, err = proc.communicate("list@example.com\n", timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        assert proc.returncode == 0, err
        assert out == ("user@example.com\ttarget@example.net\n"
                       "list@example.com\tone@example.net,two@example.org\n")
        assert connections(mariadb_server) - before - 1 == want


def test_server_down(config, table, mariadb_server):  # noqa: F811
    path = table(ALIAS_QUERY)
    host = "unix:" + mariadb_server.socket
    mariadb_server.stop()
    try:
        proc = query(config, "user@example.com", path)
        failed(proc, path, "connect to mysql server %s: " % host)
        # Postfix lists a lone host twice, so it is tried twice.
        warnings = [d for d in diags(proc) if d.startswith("warning: ")]
        assert len(warnings) == 2, warnings
        for w in warnings:
            assert w.startswith("warning: connect to mysql server %s: "
                                % host), w
    finally:
        mariadb_server.start()
    found(query(config, "user@example.com", path), "target@example.net")


def test_option_file(config, table, tmp_path):
    options = tmp_path / "my.cnf"
    options.write_text("[client]\nuser = %s\npassword = \"%s\"\n"
                       % (DBUSER, DBPASS))
    path = table("SELECT CURRENT_USER()", user=None, password=None,
                 option_file=str(options))
    found(query(config, "x", path), DBUSER + "@localhost")
    # Options of another group only with option_group.
    options.write_text("[postfix]\nuser = %s\npassword = \"%s\"\n"
                       % (DBUSER, DBPASS))
    path = table("SELECT CURRENT_USER()", user=None, password=None,
                 option_file=str(options), option_group="postfix")
    found(query(config, "x", path), DBUSER + "@localhost")


def test_wrong_password(config, table):
    path = table(ALIAS_QUERY, password="wrong")
    failed(query(config, "user@example.com", path), path,
           "Access denied for user '%s'" % DBUSER)


def test_main_cf_settings(config, mariadb_server):  # noqa: F811
    # A name without '/' or '.' reads NAME_parameter from main.cf.
    with open(config.main_cf, "a") as f:
        f.write("mysqlsrc_hosts = unix:%s\nmysqlsrc_user = %s\n"
                "mysqlsrc_password = %s\nmysqlsrc_dbname = %s\n"
                "mysqlsrc_query = %s\n"
                % (mariadb_server.socket, DBUSER, DBPASS, DBNAME,
                   ALIAS_QUERY))
    proc = config.run("postmap", "-q", "user@example.com", "mysql:mysqlsrc")
    found(proc, "target@example.net")


@pytest.mark.parametrize("text,reason", [
    (None, "No such file or directory"),
    ("dbname = x\nquery = SELECT 1\nno equals sign here\n",
     "line 3: missing '=' after attribute name"),
    ("query = SELECT 1\n", "dbname"),
    ("dbname = x\nquery = SELECT '%q'\n", "invalid query template"),
    ("dbname = x\ntable = t\n", "select_field"),
    ("dbname = x\nquery = SELECT 1\nexpansion_limit = lots\n",
     "bad numerical configuration: expansion_limit = lots"),
])
def test_bad_configuration(config, table, tmp_path, text, reason):
    if text is None:
        path = str(tmp_path / "missing.cf")
    else:
        path = table(text=text)
    proc = query(config, "user@example.com", path)
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert path in proc.stderr and reason in proc.stderr, proc.stderr
    assert any(d.startswith("fatal: ") for d in diags(proc)), proc.stderr
