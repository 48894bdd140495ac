"""A minimal SMTP server on 127.0.0.1 for the tests (stdlib only): it records every message.

Speaks what ``smtplib`` needs – EHLO/HELO, MAIL, RCPT, DATA (with dot-unstuffing), RSET, NOOP,
QUIT. ``refuse_rcpt=True`` answers every RCPT with 550; ``on_message`` runs when a message has
arrived, before the server answers 250 (a test can look at the database at that moment).
"""

from __future__ import annotations

import email
import email.policy
import socketserver
import threading
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.data, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed

    @property
    def body(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        assert part is not None
        return str(part.get_content())


class SmtpStandin:
    def __init__(self, *, refuse_rcpt: bool = False, on_message: Callable[[Received], None] | None = None):
        self.refuse_rcpt = refuse_rcpt
        self.on_message = on_message
        self.received: list[Received] = []
        self.errors: list[BaseException] = []
        standin = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line: str) -> None:
                self.wfile.write(line.encode("ascii") + b"\r\n")
                self.wfile.flush()

            def handle(self) -> None:
                self.reply("220 standin ESMTP")
                mail_from, rcpts = "", []
                while True:
                    raw = self.rfile.readline()
                    if not raw:
                        return
                    line = raw.decode("utf-8", "replace").rstrip("\r\n")
                    verb = line[:4].upper()
                    if verb == "EHLO":
                        self.wfile.write(b"250-standin\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
                        self.wfile.flush()
                    elif verb == "HELO":
                        self.reply("250 standin")
                    elif verb == "MAIL":
                        mail_from, rcpts = _address(line), []
                        self.reply("250 OK")
                    elif verb == "RCPT":
                        if standin.refuse_rcpt:
                            self.reply("550 no such mailbox")
                        else:
                            rcpts.append(_address(line))
                            self.reply("250 OK")
                    elif verb == "DATA":
                        self.reply("354 end with <CRLF>.<CRLF>")
                        lines = []
                        while True:
                            chunk = self.rfile.readline()
                            if chunk in (b".\r\n", b".\n", b""):
                                break
                            lines.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                        got = Received(mail_from, rcpts, b"".join(lines))
                        try:
                            if standin.on_message is not None:
                                standin.on_message(got)
                        except BaseException as exc:  # noqa: BLE001 - reported to the test
                            standin.errors.append(exc)
                        standin.received.append(got)
                        self.reply("250 queued")
                    elif verb in ("RSET", "NOOP"):
                        self.reply("250 OK")
                    elif verb == "QUIT":
                        self.reply("221 bye")
                        return
                    else:
                        self.reply("502 not implemented")

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> SmtpStandin:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def _address(line: str) -> str:
    start, end = line.find("<"), line.find(">")
    return line[start + 1 : end] if 0 <= start < end else line.split(":", 1)[-1].strip()
