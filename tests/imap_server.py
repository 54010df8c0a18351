"""A real IMAP server for the tests: pymap's in-memory backend on 127.0.0.1, a free port.

It runs as a child process of the test and is stopped when the block ends.
Messages go in the way any mail client puts them there (IMAP APPEND); what
the server holds afterwards is read back with the same protocol.
"""

from __future__ import annotations

import asyncio
import imaplib
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from local_servers import free_port, stop

USER, PASSWORD = "kurs", "hemligt-123"
_START = "from pymap.main import main; main()"


@dataclass
class ImapServer:
    """The running server: where it listens, and a client's view of its INBOX."""

    port: int

    @property
    def url(self) -> str:
        return f"imap://{USER}@127.0.0.1:{self.port}/INBOX"

    def client(self) -> imaplib.IMAP4:
        conn = imaplib.IMAP4("127.0.0.1", self.port, timeout=30)
        conn.login(USER, PASSWORD)
        return conn

    def append(self, messages: list[bytes]) -> None:
        """Deliver ``messages`` into the INBOX (APPEND), unread."""
        conn = self.client()
        try:
            for data in messages:
                status, _ = conn.append("INBOX", None, None, data)
                assert status == "OK"
        finally:
            conn.logout()

    def state(self) -> list[tuple[str, bytes]]:
        """(flags, full message) of every message, read without changing any (EXAMINE,
        BODY.PEEK)."""
        conn = self.client()
        try:
            conn.select("INBOX", readonly=True)
            status, data = conn.uid("FETCH", "1:*", "(FLAGS BODY.PEEK[])")
            assert status == "OK"
            return [(item[0].decode().split("BODY[]")[0], item[1])
                    for item in data if isinstance(item, tuple)]
        finally:
            conn.logout()


@contextmanager
def running() -> Iterator[ImapServer]:
    """A started IMAP server with one user (:data:`USER`, :data:`PASSWORD`), stopped after."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-c", _START, "--host", "127.0.0.1", "--port", str(port),
         "--no-tls", "dict", "--demo-user", USER, "--demo-password", PASSWORD],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the IMAP server did not start: "
                                       f"{proc.stderr.read() if proc.stderr else ''}") from None
                time.sleep(0.05)
        yield ImapServer(port)
    finally:
        stop(proc)
        if proc.stderr:
            proc.stderr.close()


def self_signed(folder: Path) -> tuple[Path, Path] | None:
    """A certificate for ``localhost`` and its key, made by the openssl command (None
    when there is none)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        return None
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
         "-out", str(cert), "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost"],
        check=True, capture_output=True,
    )
    return cert, key


@contextmanager
def tls_in_front(server: ImapServer, cert: Path, key: Path) -> Iterator[int]:
    """Implicit TLS (as on port 993) in front of ``server``: a proxy on localhost that
    ends TLS and passes the bytes on. Yields its port; stopped when the block ends."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    loop = asyncio.new_event_loop()
    port = free_port()

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, ssl.SSLError):
            pass
        finally:
            writer.close()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", server.port)
        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    started = loop.run_until_complete(
        asyncio.start_server(handle, "127.0.0.1", port, ssl=context))
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield port
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        started.close()
        loop.run_until_complete(started.wait_closed())
        loop.close()
