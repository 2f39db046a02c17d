"""
test_recipes_install.py - the recipe and the warnings of README_FILES/INSTALL

The quick start's main.cf settings must be the ones tools/quickstart
really applies, and they must give what the guide promises: a listener
without an address binds to loopback only, mail for this host's users
is delivered locally, and any client of 127.0.0.0/8 may relay although
mynetworks_style is "host". The second test checks the warning of
section 2: without the alias database local recipients get 451 4.3.0,
and after newaliases (postalias here) they are accepted.
"""

import os
import pwd
import re
import shutil
import socket
import subprocess

import pytest

import recipes
from test_recipes_standard import Client
from conftest import TOP, free_ports, port_listening, wait_until
from dnsserver import DNSServer
from smtpsink import SMTPSink


def require(instance, *progs):
    daemons = instance.installed.path("daemon_directory")
    for prog in ("cleanup", "qmgr", "trivial-rewrite", "pickup", "smtpd",
                 "local") + progs:
        if not os.path.exists(os.path.join(daemons, prog)):
            pytest.skip("%s is not installed" % prog)
    try:
        pwd.getpwnam("pftest1")
    except KeyError:
        pytest.skip("test user pftest1 missing: run tools/install-deps")


def quickstart_settings():
    """The "name = value" arguments of postconf -e in tools/quickstart."""
    with open(os.path.join(TOP, "tools", "quickstart")) as f:
        text = f.read()
    call = re.search(r"\$postconf -e \\\n((?:\t\"[^\"]*\"(?: \\)?\n)+)", text)
    assert call, "no postconf -e call in tools/quickstart"
    settings = {}
    for arg in re.findall(r"\"([^\"]*)\"", call.group(1)):
        name, _, value = arg.partition("=")
        settings[name.strip()] = value.strip().replace("\\$", "$")
    return settings


def tcp_listeners(port):
    """Local addresses listening on port (IPv4, /proc/net/tcp)."""
    found = []
    with open("/proc/net/tcp") as f:
        next(f)
        for line in f:
            fields = line.split()
            addr, hexport = fields[1].split(":")
            if fields[3] == "0A" and int(hexport, 16) == port:
                found.append(socket.inet_ntoa(bytes.fromhex(addr)[::-1]))
    return found


def test_recipe_install_quickstart(instance):
    """The guide's settings are tools/quickstart's, and they give a
    loopback-only listener, local delivery and relaying for 127/8."""
    require(instance, "smtp")
    shown = recipes.main_cf_settings(
        recipes.recipes()["install-quickstart"]["main.cf"])
    assert shown == quickstart_settings()
    spool = recipes.mail_spool(instance)
    port = free_ports(1)[0]
    remote = "127.0.0.41"
    try:
        sink = SMTPSink(host=remote, port=25)
        sink.__enter__()
    except OSError as err:
        pytest.skip("cannot listen on %s:25: %s" % (remote, err))
    try:
        with DNSServer([("elsewhere.example", "MX",
                         (10, "mx.elsewhere.example")),
                        ("mx.elsewhere.example", "A", remote)]) as dns:
            instance.use_dns(dns.addr)
            # A service without an address, as the shipped "smtp inet"
            # line: inet_interfaces decides where it listens.
            recipes.apply(instance, "install-quickstart",
                          services="%d inet n - n - - smtpd\n" % port,
                          mail_spool_directory=spool)
            wait_until(lambda: port_listening(port), 10, "smtpd port")
            assert tcp_listeners(port) == ["127.0.0.1"]
            r = instance.sendmail("-f", "root", "pftest1",
                                  input=b"Subject: quick\n\nbody\n")
            assert r.returncode == 0, r.stderr
            c = Client(port, "127.0.0.2")
            assert c.cmd("MAIL FROM:<root@host.example.com>").startswith(
                "250")
            reply = c.cmd("RCPT TO:<user@elsewhere.example>")
            assert reply.startswith("250"), reply
            assert c.cmd("DATA").startswith("354")
            assert c.cmd("Subject: out\r\n\r\nbody\r\n.").startswith("250")
            c.close()
            msg = sink.wait_messages(1)[0]
            assert msg.rcpts == ["user@elsewhere.example"]
    finally:
        sink.__exit__(None, None, None)
    path = os.path.join(spool, "pftest1")
    wait_until(lambda: os.path.exists(path), 20, path)
    with open(path, "rb") as f:
        assert b"Subject: quick" in f.read()


def test_quickstart_aliases_needed(instance):
    """Section 2: with alias_maps naming a table whose database was never
    built, local recipients get 451 4.3.0 and local mail is deferred;
    after postalias of the sample (newaliases) both work."""
    require(instance)
    spool = recipes.mail_spool(instance)
    aliases = os.path.join(instance.etc, "aliases")
    recipes.apply(instance, "install-quickstart", start=False,
                  alias_maps="hash:" + aliases,
                  alias_database="hash:" + aliases,
                  mail_spool_directory=spool)
    # Copied after apply(), which would build the database itself.
    shutil.copy(os.path.join(instance.installed.path("config_directory"),
                             "aliases"), aliases)
    instance.start()
    wait_until(lambda: os.path.exists(
        os.path.join(instance.queue, "public", "pickup")), 10, "pickup")
    c = Client(instance.port, "127.0.0.1")
    c.cmd("MAIL FROM:<root@host.example.com>")
    reply = c.cmd("RCPT TO:<pftest1@host.example.com>")
    c.close()
    assert reply == ("451 4.3.0 <pftest1@host.example.com>: Temporary "
                     "lookup failure"), reply
    r = instance.sendmail("-f", "root", "pftest1", input=b"Subject: a\n\nb\n")
    assert r.returncode == 0, r.stderr
    instance.wait_log("status=deferred (alias database unavailable)",
                      timeout=20)
    env = dict(os.environ)
    env.pop("MAIL_CONFIG", None)
    subprocess.run([instance.installed.command("postalias"), "-c",
                    instance.etc, "hash:" + aliases], check=True, env=env,
                   capture_output=True, timeout=30)

    def accepted():
        c = Client(instance.port, "127.0.0.1")
        try:
            c.cmd("MAIL FROM:<root@host.example.com>")
            return c.cmd("RCPT TO:<pftest1@host.example.com>").startswith(
                "250")
        finally:
            c.close()
    wait_until(accepted, 10, "RCPT accepted after postalias", interval=0.5)
