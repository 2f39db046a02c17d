"""
test_docs.py - the documentation: man pages, postconf(5), html/

Checks that every installed program has a man page, that every man page
is mandoc-lint clean, that postconf(5) documents exactly the declared
parameters and is up to date (tools/mkpostconf5 --check), that the
HTML documentation (tools/manhtml, "make html") has no dangling link and
an index of every page, that conf/postfix-files installs every man
page, guide and HTML page, and that the CONFIGURATION PARAMETERS
section of each program's page names only declared parameters.
"""

import glob
import html.parser
import importlib.machinery
import importlib.util
import os
import re
import subprocess

import pytest

from conftest import TOP

MAN = os.path.join(TOP, "man")
README = os.path.join(TOP, "README_FILES")
POSTFIX_FILES = os.path.join(TOP, "conf", "postfix-files")
POSTCONF = os.path.join(TOP, "bin", "postconf")


def load_tool(name):
    """A tools/ script (no .py suffix) as a module."""
    path = os.path.join(TOP, "tools", name)
    loader = importlib.machinery.SourceFileLoader(name.replace("-", "_"),
                                                  path)
    spec = importlib.util.spec_from_loader(loader.name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def man_pages():
    """Paths relative to man/ of every page man/manN/NAME.N."""
    return sorted(os.path.relpath(p, MAN) for p in
                  glob.glob(os.path.join(MAN, "man[1-9]", "*.[1-9]")))


def readme_files():
    return sorted(n for n in os.listdir(README)
                  if not n.startswith(".") and not n.endswith("~")
                  and os.path.isfile(os.path.join(README, n)))


def so_target(relpath):
    """For a page that is only ".so manN/NAME.N": that target."""
    with open(os.path.join(MAN, relpath)) as f:
        lines = [l.strip() for l in f if l.strip()]
    if len(lines) == 1 and lines[0].startswith(".so "):
        return lines[0].split()[1]
    return None


def postfix_files():
    """conf/postfix-files as a list of (path, type, flags)."""
    result = []
    with open(POSTFIX_FILES) as f:
        for line in f:
            if line.startswith("$"):
                fields = line.rstrip("\n").split(":")
                result.append((fields[0], fields[1],
                               fields[5] if len(fields) > 5 else ""))
    return result


def env_without_mail_config():
    env = dict(os.environ)
    env.pop("MAIL_CONFIG", None)
    return env


# ------------------------------------------------ a page per program

def installed_programs():
    names = set()
    for path, ftype, _ in postfix_files():
        if ftype == "d":
            continue
        if path.startswith(("$command_directory/", "$daemon_directory/")):
            names.add(path.split("/", 1)[1])
        elif path in ("$sendmail_path", "$mailq_path", "$newaliases_path"):
            names.add({"$sendmail_path": "sendmail", "$mailq_path": "mailq",
                       "$newaliases_path": "newaliases"}[path])
    return sorted(names)


def test_every_program_has_a_man_page():
    programs = installed_programs()
    assert "master" in programs and "postconf" in programs
    missing = [name for name in programs
               if not os.path.isfile(os.path.join(MAN, "man1", name + ".1"))
               and not os.path.isfile(os.path.join(MAN, "man8", name + ".8"))]
    assert not missing, "no man/man1/NAME.1 or man/man8/NAME.8 for: " \
        + " ".join(missing)


# ------------------------------------------------------- mandoc lint

@pytest.mark.parametrize("page", man_pages())
def test_man_page_is_lint_clean(page):
    """mandoc -T lint -W warning prints nothing (run in man/, where the
    ".so manN/NAME.N" of mailq.1 and newaliases.1 resolves)."""
    target = so_target(page)
    proc = subprocess.run(["mandoc", "-T", "lint", "-W", "warning", page],
                          cwd=MAN, capture_output=True, text=True,
                          timeout=60)
    messages = (proc.stdout + proc.stderr).strip().splitlines()
    if target is not None:
        # A page that only includes another: mandoc always calls .so
        # "fragile" (a link would do); the target must exist and is
        # checked on its own.
        assert os.path.isfile(os.path.join(MAN, target)), page
        messages = [m for m in messages if ".so is fragile" not in m]
    assert not messages, "\n".join(messages)
    with open(os.path.join(MAN, page)) as f:
        first = f.readline()
    if target is None:
        name, section = os.path.basename(page).rsplit(".", 1)
        assert re.match(r'^\.(TH %s %s \d{4}-\d\d-\d\d "mail system"|Dd )'
                        % (re.escape(name.upper()), section), first), \
            "%s: first line: %s" % (page, first)


# --------------------------------------------------------- postconf(5)

def test_postconf5_documents_every_parameter(installed):
    """Every declared parameter has a text, none is extra, and
    man/man5/postconf.5 is what tools/mkpostconf5 makes of them."""
    proc = subprocess.run(["/usr/bin/python3",
                           os.path.join(TOP, "tools", "mkpostconf5"),
                           "--check", POSTCONF], cwd=TOP, capture_output=True,
                          text=True, timeout=120,
                          env=env_without_mail_config())
    errors = proc.stderr.strip().splitlines()
    if len(errors) > 30:
        errors = errors[:30] + ["... %d more" % (len(errors) - 30)]
    assert proc.returncode == 0, "\n".join(errors)


# ---------------------------------------------------------------- html

class PageParser(html.parser.HTMLParser):
    """Collects ids, hrefs, and the text outside links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids = set()
        self.hrefs = []
        self.in_link = 0
        self.skip = 0
        self.unlinked = []
        self.text = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a":
            if attrs.get("name"):
                self.ids.add(attrs["name"])
            if attrs.get("href") is not None:
                self.hrefs.append(attrs["href"])
            self.in_link += 1
        elif tag in ("head", "title", "style"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag == "a":
            self.in_link -= 1
        elif tag in ("head", "title", "style"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.text.append(data)
        if not self.in_link and not self.skip:
            self.unlinked.append(data)
        else:
            self.unlinked.append(" ")


@pytest.fixture(scope="module")
def html_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("html")
    proc = subprocess.run(["/usr/bin/python3",
                           os.path.join(TOP, "tools", "manhtml"), str(out)],
                          cwd=TOP, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    pages = {}
    for name in sorted(os.listdir(out)):
        parser = PageParser()
        with open(os.path.join(out, name), encoding="utf-8") as f:
            parser.feed(f.read())
        parser.close()
        pages[name] = parser
    return str(out), pages


def expected_html():
    names = {"index.html"}
    for page in man_pages():
        names.add(os.path.basename(page) + ".html")
    for name in readme_files():
        names.add(name + ".html")
    return names


def test_html_has_a_page_for_every_man_page_and_guide(html_dir):
    _, pages = html_dir
    assert set(pages) == expected_html()


def test_html_links_resolve(html_dir):
    out, pages = html_dir
    bad = []
    for name, parser in pages.items():
        for href in parser.hrefs:
            if re.match(r"^[a-z][a-z0-9+.-]*:", href, re.I) \
                    or href.startswith("//"):
                continue            # an absolute URL (none today)
            target, _, fragment = href.partition("#")
            if target.startswith("/"):
                bad.append("%s: absolute path %s" % (name, href))
                continue
            target = target or name
            if target not in pages:
                bad.append("%s: %s: no such page" % (name, href))
            elif fragment and fragment not in pages[target].ids:
                bad.append("%s: %s: no id %s" % (name, href, fragment))
    assert not bad, "\n".join(bad)


def test_html_index_links_every_page(html_dir):
    _, pages = html_dir
    linked = {h.partition("#")[0] for h in pages["index.html"].hrefs}
    assert linked >= set(pages) - {"index.html"}
    # Every other page leads back to the index.
    for name, parser in pages.items():
        if name != "index.html":
            assert "index.html" in parser.hrefs, name


def test_html_references_are_links(html_dir):
    """No name(N) of a page we have, and no README name, stays plain
    text (outside <a>) in any page."""
    _, pages = html_dir
    guides = readme_files()
    bad = []
    for name, parser in pages.items():
        text = "".join(parser.unlinked)
        for m in re.finditer(r"(?<![\w.+-])([A-Za-z0-9][\w.+-]*)\(([1-9])\)",
                             text):
            if "%s.%s.html" % m.groups() in pages:
                bad.append("%s: %s" % (name, m.group(0)))
        for guide in guides:
            if guide + ".html" == name:
                continue
            if re.search(r"(?<![\w.-])%s(?![\w-])" % re.escape(guide), text):
                bad.append("%s: %s" % (name, guide))
    assert not bad, "not linked:\n" + "\n".join(sorted(set(bad)))


def test_html_guide_is_escaped_text(html_dir):
    out, _ = html_dir
    for name in readme_files():
        with open(os.path.join(README, name), encoding="utf-8",
                  errors="replace") as f:
            text = f.read()
        parser = PageParser()
        with open(os.path.join(out, name + ".html"), encoding="utf-8") as f:
            parser.feed(f.read())
        # The text comes back whole: escaping and links changed nothing.
        assert text.strip() in "".join(parser.text), name


# ----------------------------------------------- installed documents

def test_postfix_files_installs_every_document():
    """conf/postfix-files lists every man page, README file and HTML
    page, and none that does not exist."""
    listed = {path for path, ftype, _ in postfix_files() if ftype == "f"}
    want = {}
    for page in man_pages():
        want["$manpage_directory/" + page] = "f:root:-:644:m"
    for name in readme_files():
        want["$readme_directory/" + name] = "f:root:-:644"
    for name in sorted(expected_html()):
        want["$html_directory/" + name] = "f:root:-:644:m"
    missing = ["%s:%s" % (path, rest) for path, rest in sorted(want.items())
               if path not in listed]
    assert not missing, "add to conf/postfix-files:\n" + "\n".join(missing)
    extra = sorted(path for path in listed
                   if path.startswith(("$manpage_directory/",
                                       "$readme_directory/",
                                       "$html_directory/"))
                   and path not in want)
    assert not extra, "no such document: " + " ".join(extra)


def test_install_with_documentation(installed, tmp_path):
    """readme_directory and html_directory set: the guides and the
    generated HTML pages are installed."""
    root = str(tmp_path / "root")
    proc = subprocess.run(["sh", "postfix-install", "-non-interactive",
                           "install_root=" + root,
                           "readme_directory=/usr/share/doc/mail",
                           "html_directory=/usr/share/doc/mail/html"],
                          cwd=TOP, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for name in readme_files():
        with open(os.path.join(README, name), "rb") as a, \
                open(root + "/usr/share/doc/mail/" + name, "rb") as b:
            assert a.read() == b.read(), name
    installed_html = set(os.listdir(root + "/usr/share/doc/mail/html"))
    assert installed_html == expected_html()


# ------------------------------------- CONFIGURATION PARAMETERS names

def configuration_parameter_names(relpath):
    """(name, line) for each tag in the CONFIGURATION PARAMETERS section:
    the lines right after .TP or .TQ there, ".B name [(default)]" or
    ".B name, name". None for a tag in another form."""
    result = []
    section = False
    previous = ""
    with open(os.path.join(MAN, relpath)) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith(".SH"):
                section = "CONFIGURATION PARAMETERS" in line
            elif section and previous.split()[:1] in ([".TP"], [".TQ"]):
                text = re.sub(r"\\f[BIRP]", "", line)
                if not text.startswith(".B "):
                    result.append((None, line))
                else:
                    head = text[3:].split("(")[0].strip().strip('"')
                    for word in re.split(r"[,\s]+", head):
                        if word:
                            result.append((word, line))
            previous = line
    return result


def test_configuration_parameters_are_declared(installed):
    mkpostconf5 = load_tool("mkpostconf5")
    declared = set(mkpostconf5.defaults(POSTCONF))
    bad = []
    for page in man_pages():
        if not page.startswith(("man1/", "man8/")) or so_target(page):
            continue
        for name, line in configuration_parameter_names(page):
            if name is None:
                bad.append("%s: not '.B name (default)': %s" % (page, line))
            elif name not in declared:
                bad.append("%s: %s is not a declared parameter" % (page, name))
    assert not bad, "\n".join(bad)
