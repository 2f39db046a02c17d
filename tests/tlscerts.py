"""
tlscerts.py - certificates for TLS tests, made by the openssl command

make_pki(directory) creates a private test CA and, signed by it, a
server certificate for "localhost", "host.example.com",
"mail.example.com" and the address 127.0.0.1, and a client certificate
(CN "client.example.com"); plus a self-signed server certificate that
no CA vouches for. Keys are RSA 2048 (fast enough, accepted by
OpenSSL 3's default security level). Files are world-readable so that
unprivileged daemons can load them. Returns a dict of file names.
"""

import os
import subprocess

SERVER_NAMES = ("localhost", "host.example.com", "mail.example.com")


def openssl(*args, cwd):
    subprocess.run(["openssl"] + list(args), cwd=cwd, check=True,
                   capture_output=True, timeout=60)


def _key(name, cwd):
    openssl("genpkey", "-algorithm", "RSA", "-pkeyopt",
            "rsa_keygen_bits:2048", "-out", name, cwd=cwd)


def _signed(cwd, stem, subject, ext):
    """A key and a certificate for subject signed by the test CA."""
    _key(stem + ".key", cwd)
    openssl("req", "-new", "-key", stem + ".key", "-subj", subject,
            "-out", stem + ".csr", cwd=cwd)
    with open(os.path.join(cwd, stem + ".ext"), "w") as f:
        f.write(ext)
    openssl("x509", "-req", "-in", stem + ".csr", "-CA", "ca.pem",
            "-CAkey", "ca.key", "-CAcreateserial", "-days", "30",
            "-sha256", "-extfile", stem + ".ext", "-out", stem + ".pem",
            cwd=cwd)


def make_pki(directory):
    os.makedirs(directory, exist_ok=True)
    os.chmod(directory, 0o755)
    _key("ca.key", directory)
    openssl("req", "-x509", "-new", "-key", "ca.key", "-days", "30",
            "-sha256", "-subj", "/CN=Test CA/O=Test", "-addext",
            "basicConstraints=critical,CA:TRUE", "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
            "-out", "ca.pem", cwd=directory)
    alt = ",".join(["DNS:%s" % n for n in SERVER_NAMES] + ["IP:127.0.0.1"])
    _signed(directory, "server", "/CN=localhost",
            "basicConstraints=CA:FALSE\nsubjectAltName=%s\n"
            "extendedKeyUsage=serverAuth\n" % alt)
    _signed(directory, "client", "/CN=client.example.com",
            "basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n")
    _key("self.key", directory)
    openssl("req", "-x509", "-new", "-key", "self.key", "-days", "30",
            "-subj", "/CN=localhost", "-out", "self.pem", cwd=directory)
    files = {}
    for stem in ("ca", "server", "client", "self"):
        for ext in ("pem", "key"):
            path = os.path.join(directory, "%s.%s" % (stem, ext))
            os.chmod(path, 0o644)
            files["%s_%s" % (stem, "cert" if ext == "pem" else "key")] = path
    # A certificate file with the key in it, as some servers want.
    both = os.path.join(directory, "server-both.pem")
    with open(both, "w") as out:
        for part in (files["server_key"], files["server_cert"]):
            with open(part) as f:
                out.write(f.read())
    os.chmod(both, 0o644)
    files["server_both"] = both
    return files


def fingerprint(cert, digest="sha256"):
    """The certificate fingerprint as Postfix prints it (AA:BB:...)."""
    out = subprocess.run(["openssl", "x509", "-noout", "-fingerprint",
                          "-" + digest, "-in", cert], capture_output=True,
                         text=True, check=True).stdout
    return out.strip().split("=", 1)[1]
