"""smtpsink.py - a programmable SMTP and LMTP server for tests

A server in plain Python (sockets and threads, no dependencies) that
accepts mail on a loopback address or a UNIX-domain socket, records
everything the client did, and answers as the test tells it:

    from smtpsink import SMTPSink
    with SMTPSink(rcpt_replies={"bad@x": "550 5.1.1 no such user",
                                "later@x": "451 4.3.0 try later"}) as sink:
        ... relay to 127.0.0.1:sink.port ...
        msg = sink.wait_messages(1)[0]
        assert msg.rcpts == ["good@x"] and b"Subject: hi" in msg.data

Records (sink.sessions, one Session per connection, in order): the
peer, the HELO/EHLO/LHLO command and name, every command line with a
flag saying whether more input was already waiting when it was read
(pipelined), and the transactions: MAIL FROM address and parameters,
RCPT TO addresses with parameters and the reply given to each, the
message bytes (dot-unstuffed, line ends as received) and the replies
after the final dot. sink.connections counts accepted connections;
sink.messages lists the transactions whose content was accepted for at
least one recipient.

Control (constructor keywords, all optional):
  lmtp=True        LMTP (RFC 2033): LHLO instead of EHLO/HELO, and one
                   reply per accepted recipient after the final dot.
  features         the EHLO/LHLO extensions offered, a list of names
                   among PIPELINING, SIZE, 8BITMIME, DSN, SMTPUTF8,
                   ENHANCEDSTATUSCODES (default: all of them).
  replies          per stage: {"greeting": "554 5.3.2 go away", "ehlo":
                   ..., "helo": ..., "mail": ..., "rcpt": ..., "data":
                   (the reply to DATA), "eod": (after the final dot),
                   "rset": ..., "quit": ...}. A value is a reply text
                   ("550 5.1.1 no", lines separated by "\\n" make a
                   multi-line reply) or a list of them used one per
                   use, the last one repeating.
  rcpt_replies     per recipient (case-insensitive) reply to RCPT TO.
  lmtp_replies     per recipient reply after the final dot (LMTP).
  eod_replies      per recipient: in SMTP mode the reply after the dot
                   is the one of the first recipient found here, else
                   replies["eod"].
  disconnect       a stage name at which the sink closes the connection
                   instead of replying; "mid-data" closes it after the
                   first line of message content.
  hang             a stage name at which the sink never answers (it
                   reads and discards input until the client gives up).
  size_limit       the SIZE announced and enforced (552 beyond).
  starttls         (certfile, keyfile): offer STARTTLS (RFC 3207) and do
                   the server side of the handshake; session.tls is then
                   the protocol version ("TLSv1.3"), session.tls_cipher
                   the cipher name, session.tls_resumed whether the
                   client resumed a session.
  implicit_tls     (certfile, keyfile): TLS from the first byte (SMTPS,
                   smtp_tls_wrappermode), recorded the same way.
  auth             {"user": "password"}: offer "AUTH PLAIN LOGIN"
                   (auth_mechs to change the list) and accept exactly
                   these; session.auth_user and session.auth_mech record
                   a success, session.auth_failures counts refusals
                   ("535 5.7.8 Error: authentication failed: ...").

Bounds: at most max_connections connections at a time (more are closed
at once), max_sessions sessions recorded, lines of at most 4096
octets, messages of at most max_message octets kept (larger ones are
answered 552), an idle timeout per connection; every loop ends when
the sink is stopped.
"""

import base64
import os
import socket
import ssl
import threading
import time

ALL_FEATURES = ("PIPELINING", "SIZE", "8BITMIME", "DSN", "SMTPUTF8",
                "ENHANCEDSTATUSCODES")
MAX_LINE = 4096
STAGES = ("greeting", "ehlo", "helo", "lhlo", "mail", "rcpt", "data",
          "eod", "rset", "quit", "mid-data")


class Transaction:
    """One MAIL FROM .. end of data (or RSET/QUIT) exchange."""

    def __init__(self, mail_from, mail_params):
        self.mail_from = mail_from
        self.mail_params = mail_params      # {"SIZE": "123", "BODY": ...}
        self.rcpts = []                     # accepted recipients, in order
        self.rcpt_params = {}               # recipient -> {"NOTIFY": ...}
        self.rcpt_replies = []              # (recipient, reply) for every RCPT
        self.data = None                    # bytes, once the dot arrived
        self.replies = []                   # replies after the dot
        self.results = {}                   # recipient -> reply after the dot
        self.accepted = False               # content accepted for >= 1 rcpt

    def __repr__(self):
        return ("Transaction(from=%r, rcpts=%r, %s bytes, replies=%r)"
                % (self.mail_from, self.rcpts,
                   None if self.data is None else len(self.data),
                   self.replies))


class Session:
    """One connection."""

    def __init__(self, peer):
        self.peer = peer
        self.hello_cmd = None               # "EHLO", "HELO" or "LHLO"
        self.helo = None                    # the name given
        self.commands = []                  # (line, pipelined) in order
        self.transactions = []
        self.closed = False
        self.tls = None                     # "TLSv1.3" once encrypted
        self.tls_cipher = None
        self.tls_resumed = False
        self.auth_user = None               # after a successful AUTH
        self.auth_mech = None
        self.auth_failures = 0
        self.lock = threading.Lock()

    @property
    def pipelined(self):
        """True when some command arrived while more input was waiting."""
        return any(p for _line, p in self.commands)

    def verbs(self):
        return [line.split(" ", 1)[0].split(":", 1)[0].upper()
                for line, _p in self.commands]


def parse_params(words):
    """ESMTP parameters "NAME=value" -> {"NAME": "value"} (None: no =)."""
    params = {}
    for word in words:
        if not word:
            continue
        name, eq, value = word.partition("=")
        params[name.upper()] = value if eq else None
    return params


def parse_path(arg):
    """'<addr> PARAMS' -> (addr, params); None when malformed."""
    arg = arg.strip()
    if not arg.startswith("<"):
        # Be lenient as Postfix is: a bare address.
        words = arg.split(" ")
        return words[0], parse_params(words[1:])
    end = arg.find(">")
    if end < 0:
        return None
    return arg[1:end], parse_params(arg[end + 1:].split(" "))


class _Closed(Exception):
    pass


class _Conn:
    """The server side of one connection."""

    def __init__(self, sink, sock, session):
        self.sink = sink
        self.sock = sock
        self.session = session
        self.buf = bytearray()
        self.deadline = time.monotonic() + sink.idle_timeout
        sock.settimeout(0.2)

    # -------------------------------------------------------------- I/O

    def fill(self):
        """Read more input; raise _Closed on EOF, stop or idle timeout."""
        while True:
            if self.sink.stopping.is_set():
                raise _Closed()
            if time.monotonic() > self.deadline:
                raise _Closed()
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                raise _Closed()
            if not data:
                raise _Closed()
            self.deadline = time.monotonic() + self.sink.idle_timeout
            self.buf += data
            return

    def readline(self):
        """One line with its ending (bytes); None when too long."""
        too_long = False
        while True:
            nl = self.buf.find(b"\n")
            if nl >= 0:
                line = bytes(self.buf[:nl + 1])
                del self.buf[:nl + 1]
                return None if too_long or len(line) > MAX_LINE else line
            if len(self.buf) > MAX_LINE:
                too_long = True
                del self.buf[:]
            self.fill()

    def send(self, text):
        """Send a reply; lines separated by newlines become multi-line."""
        lines = text.split("\n")
        code = lines[0][:3]
        out = []
        for i, line in enumerate(lines):
            if i > 0 and not line[:3].isdigit():
                line = code + " " + line
            sep = "-" if i < len(lines) - 1 else " "
            if len(line) > 3 and line[3] in " -":
                line = line[:3] + sep + line[4:]
            elif len(line) == 3:
                line = line + sep
            out.append(line + "\r\n")
        try:
            self.sock.sendall("".join(out).encode("utf-8"))
        except OSError:
            raise _Closed()

    def hang(self):
        """Never answer: read and discard until the client gives up."""
        while True:
            self.fill()
            del self.buf[:]

    def start_tls(self, context):
        """Server side of a handshake; raise _Closed on failure."""
        self.buf.clear()        # CVE-2011-0411: drop pipelined plaintext
        self.sock.settimeout(10)
        try:
            self.sock = context.wrap_socket(self.sock, server_side=True)
        except (OSError, ssl.SSLError):
            raise _Closed()
        self.sock.settimeout(0.2)
        sess = self.session
        with sess.lock:
            sess.tls = self.sock.version()
            cipher = self.sock.cipher()
            sess.tls_cipher = cipher[0] if cipher else None
            sess.tls_resumed = bool(self.sock.session_reused)

    def auth(self, arg):
        """AUTH PLAIN or LOGIN against sink.auth."""
        sink = self.sink
        sess = self.session
        words = arg.split()
        if not words:
            self.send("501 5.5.4 Syntax: AUTH mechanism")
            return
        mech = words[0].upper()
        if mech not in sink.auth_mechs:
            self.send("535 5.7.8 Error: authentication failed: "
                      "Invalid authentication mechanism")
            return

        def ask(challenge):
            self.send("334 " + challenge)
            line = self.readline()
            if line is None:
                return None
            return line.decode("ascii", "replace").strip()

        try:
            if mech == "PLAIN":
                answer = words[1] if len(words) > 1 else ask("")
                if answer is None or answer == "*":
                    self.send("501 5.7.0 Authentication aborted")
                    return
                parts = base64.b64decode(answer, validate=True).split(b"\0")
                if len(parts) != 3:
                    raise ValueError("bad PLAIN response")
                user, password = parts[1], parts[2]
            else:
                first = (words[1] if len(words) > 1
                         else ask(base64.b64encode(b"Username:").decode()))
                if first is None or first == "*":
                    self.send("501 5.7.0 Authentication aborted")
                    return
                user = base64.b64decode(first, validate=True)
                second = ask(base64.b64encode(b"Password:").decode())
                if second is None or second == "*":
                    self.send("501 5.7.0 Authentication aborted")
                    return
                password = base64.b64decode(second, validate=True)
        except (ValueError, IndexError):
            self.send("501 5.5.2 Cannot decode response")
            return
        user = user.decode("utf-8", "replace")
        password = password.decode("utf-8", "replace")
        if sink.auth.get(user) == password:
            with sess.lock:
                sess.auth_user, sess.auth_mech = user, mech
            self.send("235 2.7.0 Authentication successful")
        else:
            with sess.lock:
                sess.auth_failures += 1
            self.send("535 5.7.8 Error: authentication failed: "
                      "authentication failure")

    def stage(self, name, default):
        """Reply for a stage (after disconnect/hang handling)."""
        if self.sink.disconnect == name:
            raise _Closed()
        if self.sink.hang == name:
            self.hang()
        return self.sink.reply_for(name, default)

    # -------------------------------------------------------- protocol

    def run(self):
        sink = self.sink
        sess = self.session
        if sink.implicit_tls_context is not None:
            self.start_tls(sink.implicit_tls_context)
        greeting = self.stage("greeting", "220 %s %s" % (
            sink.hostname, "LMTP" if sink.lmtp else "ESMTP"))
        self.send(greeting)
        if not greeting.startswith("2"):
            # Like a server that refuses service: only QUIT is useful.
            pass
        tx = None
        commands = 0
        while commands < sink.max_commands:
            line = self.readline()
            if line is None:
                self.send("500 5.5.0 line too long")
                continue
            commands += 1
            pipelined = len(self.buf) > 0
            text = line.decode("utf-8", "replace").rstrip("\r\n")
            with sess.lock:
                sess.commands.append((text, pipelined))
            verb, _sp, arg = text.partition(" ")
            verb = verb.upper()
            if verb.startswith("MAIL") or verb.startswith("RCPT"):
                verb, _c, rest = text.partition(":")
                verb = verb.strip().upper().replace(" ", "")
                arg = rest
            if not greeting.startswith("2") and verb != "QUIT":
                self.send("503 5.5.0 no service")
                continue
            if verb in ("EHLO", "HELO", "LHLO"):
                if sink.lmtp != (verb == "LHLO"):
                    self.send("500 5.5.1 %s not recognized" % verb)
                    continue
                sess.hello_cmd, sess.helo = verb, arg.strip()
                tx = None
                if verb == "HELO":
                    self.send(self.stage("helo", "250 %s" % sink.hostname))
                else:
                    lines = [sink.hostname]
                    for feat in sink.features:
                        if feat == "SIZE":
                            lines.append("SIZE %d" % sink.size_limit)
                        else:
                            lines.append(feat)
                    if sink.starttls_context is not None and not sess.tls:
                        lines.append("STARTTLS")
                    if sink.auth and sess.auth_user is None:
                        lines.append("AUTH " + " ".join(sink.auth_mechs))
                    default = "\n".join("250 " + l for l in lines)
                    self.send(self.stage(verb.lower() if verb == "LHLO"
                                         else "ehlo", default))
            elif verb == "MAILFROM":
                if tx is not None:
                    self.send("503 5.5.1 nested MAIL command")
                    continue
                parsed = parse_path(arg)
                if parsed is None:
                    self.send("501 5.1.7 bad sender address syntax")
                    continue
                size = parsed[1].get("SIZE")
                if (size and size.isdigit() and "SIZE" in sink.features
                        and int(size) > sink.size_limit):
                    self.send("552 5.3.4 message size exceeds limit")
                    continue
                reply = self.stage("mail", "250 2.1.0 Ok")
                if reply.startswith("2"):
                    tx = Transaction(*parsed)
                    with sess.lock:
                        sess.transactions.append(tx)
                self.send(reply)
            elif verb == "RCPTTO":
                if tx is None:
                    self.send("503 5.5.1 need MAIL command")
                    continue
                parsed = parse_path(arg)
                if parsed is None:
                    self.send("501 5.1.3 bad recipient address syntax")
                    continue
                rcpt, params = parsed
                reply = sink.rcpt_reply(rcpt)
                if reply is None:
                    reply = self.stage("rcpt", "250 2.1.5 Ok")
                with sess.lock:
                    tx.rcpt_replies.append((rcpt, reply))
                    if reply.startswith("2"):
                        if len(tx.rcpts) < sink.max_rcpts:
                            tx.rcpts.append(rcpt)
                            tx.rcpt_params[rcpt] = params
                self.send(reply)
            elif verb == "DATA":
                if tx is None or not tx.rcpts:
                    self.send("503 5.5.1 need RCPT command")
                    continue
                reply = self.stage("data",
                                   "354 End data with <CR><LF>.<CR><LF>")
                self.send(reply)
                if not reply.startswith("3"):
                    tx = None
                    continue
                self.read_data(tx)
                tx = None
            elif verb == "STARTTLS" and sink.starttls_context is not None:
                if sess.tls:
                    self.send("554 5.5.1 Error: TLS already active")
                    continue
                self.send("220 2.0.0 Ready to start TLS")
                self.start_tls(sink.starttls_context)
                sess.hello_cmd = None
                tx = None
            elif verb == "AUTH" and sink.auth:
                if sess.hello_cmd is None:
                    self.send("503 5.5.1 Error: send HELO/EHLO first")
                elif sess.auth_user is not None:
                    self.send("503 5.5.1 Error: already authenticated")
                else:
                    self.auth(arg)
            elif verb == "RSET":
                tx = None
                self.send(self.stage("rset", "250 2.0.0 Ok"))
            elif verb == "NOOP":
                self.send("250 2.0.0 Ok")
            elif verb == "QUIT":
                self.send(self.stage("quit", "221 2.0.0 Bye"))
                return
            else:
                self.send("502 5.5.2 command not recognized")

    def read_data(self, tx):
        sink = self.sink
        content = bytearray()
        over = False
        first = True
        while True:
            line = self.readline()
            if line is None:
                over = True         # a line too long: refuse the message
                continue
            if first and sink.disconnect == "mid-data":
                raise _Closed()
            first = False
            if line in (b".\r\n", b".\n"):
                break
            if line.startswith(b"."):
                line = line[1:]
            if len(content) + len(line) > sink.max_message:
                over = True
            if not over:
                content += line
        tx.data = bytes(content)
        if over:
            reply = "552 5.3.4 message too big"
            tx.replies.append(reply)
            self.send(reply)
            return
        if sink.lmtp:
            if sink.disconnect == "eod":
                raise _Closed()
            if sink.hang == "eod":
                self.hang()
            replies = []
            for rcpt in tx.rcpts:
                reply = sink.lmtp_reply(rcpt)
                if reply is None:
                    reply = sink.reply_for("eod", "250 2.0.0 Ok: delivered")
                replies.append((rcpt, reply))
            with self.session.lock:
                for rcpt, reply in replies:
                    tx.replies.append(reply)
                    tx.results[rcpt] = reply
                tx.accepted = any(r.startswith("2") for _x, r in replies)
            for _rcpt, reply in replies:
                self.send(reply)
        else:
            reply = None
            for rcpt in tx.rcpts:
                reply = sink.eod_reply(rcpt)
                if reply is not None:
                    break
            if reply is None:
                reply = self.stage("eod", "250 2.0.0 Ok: queued as SINK%d"
                                   % sink.count_message())
            with self.session.lock:
                tx.replies.append(reply)
                for rcpt in tx.rcpts:
                    tx.results[rcpt] = reply
                tx.accepted = reply.startswith("2")
            self.send(reply)
        if tx.accepted:
            sink.add_message(tx)


class SMTPSink:
    """A programmable SMTP/LMTP server; see the module header."""

    def __init__(self, host="127.0.0.1", port=0, unix_path=None, lmtp=False,
                 hostname="sink.example.net", features=ALL_FEATURES,
                 replies=None, rcpt_replies=None, lmtp_replies=None,
                 eod_replies=None, disconnect=None, hang=None,
                 size_limit=10240000, max_message=20 * 1024 * 1024,
                 max_connections=64, max_sessions=10000, max_rcpts=1000,
                 max_commands=100000, idle_timeout=60, starttls=None,
                 implicit_tls=None, auth=None,
                 auth_mechs=("PLAIN", "LOGIN")):
        for name in (disconnect, hang):
            if name is not None and name not in STAGES:
                raise ValueError("unknown stage: %r" % name)
        unknown = set(replies or ()) - set(STAGES)
        if unknown:
            raise ValueError("unknown stages: %r" % sorted(unknown))
        self.host = host
        self.port = port
        self.unix_path = unix_path
        self.lmtp = lmtp
        self.hostname = hostname
        self.features = [f.upper() for f in features]
        self.replies = {k: (list(v) if isinstance(v, (list, tuple)) else v)
                        for k, v in (replies or {}).items()}
        self.rcpt_replies = self._lower(rcpt_replies)
        self.lmtp_replies = self._lower(lmtp_replies)
        self.eod_replies = self._lower(eod_replies)
        self.disconnect = disconnect
        self.hang = hang
        self.size_limit = size_limit
        self.max_message = max_message
        self.max_connections = max_connections
        self.max_sessions = max_sessions
        self.max_rcpts = max_rcpts
        self.max_commands = max_commands
        self.idle_timeout = idle_timeout
        self.starttls_context = self._tls_context(starttls)
        self.implicit_tls_context = self._tls_context(implicit_tls)
        self.auth = dict(auth or {})
        self.auth_mechs = [m.upper() for m in auth_mechs]
        self.sessions = []
        self.messages = []
        self.connections = 0
        self.refused = 0
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        self.stopping = threading.Event()
        self.listener = None
        self.threads = []
        self.active = 0
        self.queued = 0

    @staticmethod
    def _tls_context(pair):
        if pair is None:
            return None
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(pair[0], pair[1])
        return context

    @staticmethod
    def _lower(table):
        return {k.lower(): (list(v) if isinstance(v, (list, tuple)) else v)
                for k, v in (table or {}).items()}

    # ---------------------------------------------------- reply choice

    def _take(self, table, key):
        with self.lock:
            value = table.get(key)
            if isinstance(value, list):
                return value.pop(0) if len(value) > 1 else value[0]
            return value

    def reply_for(self, stage, default):
        value = self._take(self.replies, stage)
        return default if value is None else value

    def rcpt_reply(self, rcpt):
        return self._take(self.rcpt_replies, rcpt.lower())

    def lmtp_reply(self, rcpt):
        return self._take(self.lmtp_replies, rcpt.lower())

    def eod_reply(self, rcpt):
        return self._take(self.eod_replies, rcpt.lower())

    def count_message(self):
        with self.lock:
            self.queued += 1
            return self.queued

    def add_message(self, tx):
        with self.changed:
            self.messages.append(tx)
            self.changed.notify_all()

    # ---------------------------------------------------- life cycle

    @property
    def addr(self):
        """"127.0.0.1:PORT" or the socket path."""
        if self.unix_path:
            return self.unix_path
        return "%s:%d" % (self.host, self.port)

    def start(self):
        if self.unix_path:
            try:
                os.unlink(self.unix_path)
            except FileNotFoundError:
                pass
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.bind(self.unix_path)
            os.chmod(self.unix_path, 0o777)   # daemons run unprivileged
        else:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((self.host, self.port))
            self.port = sock.getsockname()[1]
        sock.listen(128)
        sock.settimeout(0.2)
        self.listener = sock
        thread = threading.Thread(target=self._accept_loop, daemon=True)
        thread.start()
        self.threads.append(thread)
        return self

    def _accept_loop(self):
        while not self.stopping.is_set():
            try:
                conn, peer = self.listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            with self.changed:
                self.connections += 1
                too_many = (self.active >= self.max_connections
                            or len(self.sessions) >= self.max_sessions)
                if too_many:
                    self.refused += 1
                else:
                    self.active += 1
                    session = Session(peer)
                    self.sessions.append(session)
                self.changed.notify_all()
            if too_many:
                conn.close()
                continue
            thread = threading.Thread(target=self._serve,
                                      args=(conn, session), daemon=True)
            thread.start()
            with self.lock:
                self.threads = [t for t in self.threads if t.is_alive()]
                self.threads.append(thread)

    def _serve(self, conn, session):
        try:
            _Conn(self, conn, session).run()
        except _Closed:
            pass
        finally:
            try:
                conn.close()
            except OSError:
                pass
            with self.changed:
                session.closed = True
                self.active -= 1
                self.changed.notify_all()

    def stop(self):
        self.stopping.set()
        if self.listener is not None:
            self.listener.close()
        with self.lock:
            threads = list(self.threads)
        for thread in threads:
            thread.join(5)
        if self.unix_path:
            try:
                os.unlink(self.unix_path)
            except OSError:
                pass

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False

    # ---------------------------------------------------- observation

    def wait(self, predicate, timeout=30, what="condition"):
        """Wait until predicate() (called with the lock held) is true."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while not predicate():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        "smtpsink: timed out after %ss waiting for %s; "
                        "sessions: %r" % (timeout, what, self.summary()))
                self.changed.wait(min(left, 0.5))

    def wait_messages(self, count, timeout=30):
        """The first count accepted messages, once they are there."""
        self.wait(lambda: len(self.messages) >= count, timeout,
                  "%d messages" % count)
        with self.lock:
            return list(self.messages[:count])

    def wait_sessions_closed(self, count, timeout=30):
        """Wait until count sessions have ended."""
        self.wait(lambda: sum(s.closed for s in self.sessions) >= count,
                  timeout, "%d closed sessions" % count)

    def transactions(self):
        """Every transaction of every session, in order."""
        with self.lock:
            sessions = list(self.sessions)
        found = []
        for s in sessions:
            with s.lock:
                found += s.transactions
        return found

    def summary(self):
        """A short text of what happened, for assertion messages."""
        out = []
        for s in list(self.sessions):
            out.append("%s %s %s" % (s.hello_cmd, s.helo,
                                     [line for line, _p in s.commands][:40]))
        return out
