"""
recipes.py - configuration recipes of README_FILES, for tests that run them

A guide marks each configuration snippet that a test executes with a
label line, indented like the snippet below it:

    # recipe NAME: main.cf
    relayhost = [mail.example.com]
    myorigin = $mydomain

    # recipe NAME: /etc/postfix/virtual
    info@example.com    alice

The label is part of the text the reader sees (it reads as a comment).
The block is every following line indented at least as much as the
label, up to the first line indented less (blank lines inside are
kept). Targets: "main.cf" (settings, continuation lines allowed),
"master.cf" (service lines appended to the instance's master.cf), or
an absolute file name under /etc/postfix (a table or other file,
written into the instance's configuration directory).

recipes() returns {NAME: {TARGET: text}} for every guide, so that a
test uses the text the reader sees, and test_readme_recipes.py checks
that every recipe has a test. apply() installs a recipe into a test
instance: /etc/postfix/ is replaced by the instance's configuration
directory everywhere, tables named as hash:/btree: in the settings are
built with postmap, and aliases named in alias_maps with postalias.
"""

import glob
import os
import re
import subprocess
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README_DIR = os.path.join(TOP, "README_FILES")
LABEL = re.compile(r"^(\s*)# recipe ([a-z0-9][a-z0-9-]*): (\S+)\s*$")
CONF = "/etc/postfix/"


def _indent(line):
    return len(line) - len(line.lstrip(" "))


def parse(text, where="text"):
    """The recipes of one guide: {NAME: {TARGET: text}}."""
    found = {}
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        m = LABEL.match(lines[i])
        if not m:
            i += 1
            continue
        depth = len(m.group(1))
        name, target = m.group(2), m.group(3)
        block = []
        i += 1
        while i < len(lines):
            line = lines[i]
            if line.strip() and (_indent(line) < depth or LABEL.match(line)):
                break
            block.append(line[depth:] if line.strip() else "")
            i += 1
        while block and not block[-1]:
            block.pop()
        if not block:
            raise ValueError("%s: recipe %s: %s is empty"
                             % (where, name, target))
        targets = found.setdefault(name, {})
        if target in targets:
            raise ValueError("%s: recipe %s: %s twice" % (where, name, target))
        targets[target] = "\n".join(block) + "\n"
    return found


def recipes():
    """Every recipe of every guide; a name may be used in one guide only."""
    result = {}
    owner = {}
    for path in sorted(glob.glob(os.path.join(README_DIR, "*"))):
        with open(path) as f:
            for name, targets in parse(f.read(), path).items():
                if name in owner:
                    raise ValueError("recipe %s in %s and %s"
                                     % (name, owner[name], path))
                owner[name] = os.path.basename(path)
                result[name] = targets
    return result


def guide_of(name):
    """The README file a recipe comes from."""
    for path in sorted(glob.glob(os.path.join(README_DIR, "*"))):
        with open(path) as f:
            if name in parse(f.read(), path):
                return os.path.basename(path)
    return None


def main_cf_settings(text):
    """name = value settings of a main.cf snippet (logical lines)."""
    settings = {}
    current = None
    for line in text.split("\n"):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line[0] in " \t":
            if current is None:
                raise ValueError("continuation without a setting: %r" % line)
            settings[current] += " " + line.strip()
            continue
        name, sep, value = line.partition("=")
        if not sep:
            raise ValueError("not a setting: %r" % line)
        current = name.strip()
        settings[current] = value.strip()
    return settings


def _localize(text, instance):
    return text.replace(CONF, instance.etc + "/")


def apply(instance, name, services="", start=True, master_filter=None,
          also=(), **extra):
    """Install recipe name into instance (main.cf settings on top of
    the test instance's own, plus extra; files; master.cf lines, passed
    through master_filter when given, e.g. to put a service on a free
    loopback port) and start the mail system. also: recipes that the
    guide says must be in place first, installed before name. Returns
    the settings that were applied."""
    every = recipes()
    settings = {}
    master_lines = ""
    for target, text in [item for n in tuple(also) + (name,)
                         for item in every[n].items()]:
        text = _localize(text, instance)
        if target == "main.cf":
            settings.update(main_cf_settings(text))
        elif target == "master.cf":
            master_lines += master_filter(text) if master_filter else text
        elif target.startswith(CONF):
            path = os.path.join(instance.etc, target[len(CONF):])
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(text)
        else:
            raise ValueError("recipe %s: unknown target %s"
                             % (name, target))
    settings.update(extra)
    _build_tables(instance, settings)
    instance.mail_system(services=master_lines + services, start=start,
                         **settings)
    return settings


def _build_tables(instance, settings):
    """postmap/postalias for the indexed tables the settings name."""
    env = dict(os.environ)
    env.pop("MAIL_CONFIG", None)
    for param, value in settings.items():
        for m in re.finditer(r"\b(hash|btree):(/[^\s,]+)", value):
            if not os.path.exists(m.group(2)):
                continue
            tool = "postalias" if param == "alias_maps" else "postmap"
            subprocess.run([instance.installed.command(tool), "-c",
                            instance.etc, "%s:%s" % m.groups()],
                           check=True, capture_output=True, env=env,
                           timeout=60)


# ------------------------------------------------ helpers of recipe tests

def mail_spool(instance):
    """A world-writable (sticky) mail_spool_directory of the instance."""
    path = os.path.join(instance.base, "mail")
    os.makedirs(path, exist_ok=True)
    os.chmod(path, 0o1777)
    return path


def wait_file(path, want, timeout=20):
    """The contents of path once it contains want (bytes)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.path.exists(path):
            with open(path, "rb") as f:
                data = f.read()
            if want in data:
                return data
        time.sleep(0.1)
    raise AssertionError("no %r in %s" % (want, path))
