"""A real SMTP server for the tests (aiosmtpd on 127.0.0.1, a free port), and what it got."""

from __future__ import annotations

import email
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

from aiosmtpd.controller import Controller

from local_servers import free_port


class Collector:
    """aiosmtpd handler keeping every delivered envelope; can refuse one RCPT."""

    def __init__(self, fail_on_rcpt: int | None = None) -> None:
        self.envelopes: list[Any] = []
        self.rcpts = 0
        self.fail_on_rcpt = fail_on_rcpt

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.rcpts += 1
        if self.rcpts == self.fail_on_rcpt:
            return "451 4.3.0 temporary failure, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


class Server:
    """A running aiosmtpd server and its handler."""

    def __init__(self, handler: Collector) -> None:
        self.handler = handler
        self.port = free_port()
        self.controller = Controller(handler, hostname="127.0.0.1", port=self.port)

    @property
    def address(self) -> tuple[str, int]:
        return ("127.0.0.1", self.port)

    def received(self) -> list[tuple[str, EmailMessage]]:
        """(envelope recipient, parsed message) for every delivered e-mail."""
        out = []
        for env in self.handler.envelopes:
            msg = email.message_from_bytes(env.original_content or env.content,
                                           policy=default_policy)
            assert isinstance(msg, EmailMessage)
            out.extend((rcpt, msg) for rcpt in env.rcpt_tos)
        return out


@contextmanager
def running(handler: Collector | None = None) -> Iterator[Server]:
    """A started server, stopped when the block ends."""
    server = Server(handler or Collector())
    server.controller.start()
    try:
        yield server
    finally:
        server.controller.stop()
