"""A real SMTP server for the mail tests: Debian's python3-aiosmtpd, run in the test process.

SmtpSink(port) listens on 127.0.0.1 and keeps every accepted message (parsed with the standard
`email` package) with its envelope and whether it came over TLS. Options: `tls=(cert, key)`
requires STARTTLS before MAIL; `auth=(login, password)` requires AUTH (PLAIN/LOGIN) and refuses
other credentials with 535; `reject` is a set of recipient addresses answered with 550.
outage() and start() again simulate an outage: while it lasts the port stays bound without
listening, so connections are refused (as with a server that is down) and no other process on the
shared machine can take the port and accept the messages meant for this sink.
"""
from __future__ import annotations

import email
import email.policy
import os
import socket
import ssl
import subprocess
import threading
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def throwaway_certificate(folder):
    """A self-signed certificate for 127.0.0.1 and localhost; returns (cert_path, key_path)."""
    cert, key = os.path.join(folder, "smtp-cert.pem"), os.path.join(folder, "smtp-key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-keyout", key, "-out", cert, "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True)
    return cert, key


class Received:
    def __init__(self, envelope, tls, authenticated):
        self.mail_from = envelope.mail_from
        self.rcpt_tos = list(envelope.rcpt_tos)
        self.raw = envelope.original_content or envelope.content
        self.message = email.message_from_bytes(self.raw, policy=email.policy.default)
        self.tls = tls
        self.authenticated = authenticated

    def header(self, name):
        value = self.message.get(name)
        return str(value) if value is not None else None

    @property
    def subject(self):
        return self.header("Subject") or ""

    def part(self, content_type):
        for part in self.message.walk():
            if part.get_content_type() == content_type:
                return part.get_content()
        return None

    @property
    def text(self):
        return self.part("text/plain") or ""

    @property
    def html(self):
        return self.part("text/html") or ""

    def __repr__(self):
        return f"<Received to={self.rcpt_tos} subject={self.subject!r}>"


class SmtpSink:
    def __init__(self, port, tls=None, auth=None, reject=()):
        self.port = port
        self.tls = tls
        self.auth = auth
        self.reject = set(reject)
        self.lock = threading.Lock()
        self.messages = []
        self.controller = None
        self.placeholder = None

    # -- aiosmtpd handler
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.reject:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self.lock:
            self.messages.append(Received(envelope, session.ssl is not None, bool(session.authenticated)))
        return "250 Message accepted for delivery"

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and self.auth is not None
              and auth_data.login.decode() == self.auth[0] and auth_data.password.decode() == self.auth[1])
        return AuthResult(success=ok, handled=False, auth_data=auth_data)

    # -- lifecycle
    def start(self):
        if self.placeholder:
            self.placeholder.close()
            self.placeholder = None
        kwargs = {}
        if self.tls:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(*self.tls)
            kwargs.update(tls_context=context, require_starttls=True)
        if self.auth:
            kwargs.update(authenticator=self._authenticate, auth_required=True,
                          auth_require_tls=bool(self.tls))
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port, **kwargs)
        self.controller.start()
        return self

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None
        if self.placeholder:
            self.placeholder.close()
            self.placeholder = None

    def outage(self):
        """Stops listening but keeps the port: connections are refused until start()."""
        self.stop()
        hold = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        hold.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        hold.bind(("127.0.0.1", self.port))
        self.placeholder = hold

    # -- reading
    def received(self):
        with self.lock:
            return list(self.messages)

    def to(self, address):
        return [m for m in self.received() if address in m.rcpt_tos]

    def wait_for(self, predicate, count=1, timeout=30.0):
        """The received messages matching predicate once there are at least `count` (or those
        found when timeout seconds pass)."""
        deadline = time.monotonic() + timeout
        while True:
            found = [m for m in self.received() if predicate(m)]
            if len(found) >= count or time.monotonic() > deadline:
                return found
            time.sleep(0.1)
