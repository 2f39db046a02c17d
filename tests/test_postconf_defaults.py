"""
test_postconf_defaults.py - postconf -d against Postfix 3.7's defaults

Every parameter that our postconf -d prints and that Postfix 3.7 also has
must have Postfix's default, as listed in the reference file (postconf -d
of Postfix 3.7.11 on Debian 12). Exceptions:
  - names listed in README_FILES/COMPATIBILITY_DIFFERENCES (deliberate
    differences, documented there);
  - host-dependent values (host name, domain, networks, process ID);
  - installation paths, which are build options: they must equal the
    defaults compiled in from makedefs.out (DEF_*_DIRECTORY, ...).
"""

import os
import re

import pytest

from conftest import TOP

TESTS = os.path.dirname(os.path.abspath(__file__))
REFERENCE = os.path.join(os.path.dirname(TOP), "shared", "reference",
                         "postconf-d-3.7.11.txt")
if not os.path.exists(REFERENCE):
    # The same list, kept with the unit tests of the registry.
    REFERENCE = os.path.join(TOP, "src", "global", "testdata",
                             "postconf-d-3.7.11.txt")
DIFFERENCES = os.path.join(TOP, "README_FILES", "COMPATIBILITY_DIFFERENCES")

HOST_DEPENDENT = {"myhostname", "mydomain", "mynetworks", "process_id"}

# Installation parameters and their makedefs.out macros.
BUILD_PATHS = {
    "config_directory": "DEF_CONFIG_DIRECTORY",
    "command_directory": "DEF_COMMAND_DIRECTORY",
    "daemon_directory": "DEF_DAEMON_DIRECTORY",
    "data_directory": "DEF_DATA_DIRECTORY",
    "queue_directory": "DEF_QUEUE_DIRECTORY",
    "meta_directory": "DEF_META_DIRECTORY",
    "sendmail_path": "DEF_SENDMAIL_PATH",
    "newaliases_path": "DEF_NEWALIASES_PATH",
    "mailq_path": "DEF_MAILQ_PATH",
    "manpage_directory": "DEF_MANPAGE_DIRECTORY",
    "sample_directory": "DEF_SAMPLE_DIRECTORY",
    "readme_directory": "DEF_README_DIRECTORY",
    "html_directory": "DEF_HTML_DIRECTORY",
}
# Where Debian's packaging put it; we build no shared libraries.
NOT_COMPARED = {"shlib_directory"}


def parse_defaults(text):
    """'name = value' lines to a dict (value may be empty)."""
    result = {}
    for line in text.splitlines():
        m = re.match(r"^([A-Za-z0-9_-]+) =(?: (.*))?$", line)
        assert m, "not a 'name = value' line: %r" % line
        result[m.group(1)] = m.group(2) or ""
    return result


def reference():
    if not os.path.exists(REFERENCE):
        pytest.skip("no reference file %s" % REFERENCE)
    with open(REFERENCE) as f:
        return parse_defaults(f.read())


def documented_differences(known_names):
    """
    Parameter names that section 1 ("Default values shown by postconf
    -d") of README_FILES/COMPATIBILITY_DIFFERENCES lists. Only that
    section counts: a name mentioned elsewhere in passing must not
    excuse a wrong default.
    """
    with open(DIFFERENCES) as f:
        text = f.read()
    match = re.search(r"^1\. Default values.*?(?=^2\. )", text,
                      re.MULTILINE | re.DOTALL)
    assert match, "no section 1 in %s" % DIFFERENCES
    words = set(re.findall(r"[A-Za-z0-9_]+", match.group(0)))
    return words & known_names


def build_paths():
    with open(os.path.join(TOP, "makedefs.out")) as f:
        text = f.read()
    result = {}
    for name, macro in BUILD_PATHS.items():
        m = re.search(r'-D%s=\\"([^"\\]*)\\"' % macro, text)
        assert m, "makedefs.out has no %s" % macro
        result[name] = m.group(1)
    return result


def test_d_prints_many_parameters(config):
    proc = config.postconf("-d")
    assert proc.returncode == 0, proc.stderr
    ours = parse_defaults(proc.stdout)
    assert len(ours) >= 100
    assert list(ours) == sorted(ours), "postconf -d output is not sorted"


def test_d_defaults_equal_postfix(config):
    postfix = reference()
    proc = config.postconf("-d")
    assert proc.returncode == 0, proc.stderr
    ours = parse_defaults(proc.stdout)
    exempt = documented_differences(set(postfix)) | HOST_DEPENDENT \
        | NOT_COMPARED
    paths = build_paths()
    wrong = []
    for name, value in sorted(ours.items()):
        if name in paths:
            if value != paths[name]:
                wrong.append("%s = %s (built-in default is %s)"
                             % (name, value, paths[name]))
        elif name in postfix and name not in exempt:
            if value != postfix[name]:
                wrong.append("%s = %s (Postfix 3.7: %s)"
                             % (name, value, postfix[name]))
    assert wrong == []


def test_d_single_parameters(config):
    """-d with names, -dh, -dx (the expansion uses defaults only)."""
    proc = config.postconf("-d", "queue_directory", "mail_owner")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "queue_directory = %s\nmail_owner = postfix\n" \
        % build_paths()["queue_directory"]
    proc = config.postconf("-dh", "setgid_group")
    assert proc.stdout == "postdrop\n"
    # A per-transport parameter of a master.cf service defaults to the
    # global one.
    proc = config.postconf("-d", "relay_destination_concurrency_limit")
    assert proc.stdout == ("relay_destination_concurrency_limit = "
                           "$default_destination_concurrency_limit\n")
    proc = config.postconf("-dxh", "relay_destination_concurrency_limit")
    assert proc.stdout == "20\n"
