"""Hosts of their own on one machine: network namespaces (iproute2's `ip netns`), each
joined to this one by a veth pair, and TCP forwarders on this side's address of each
pair to the services that listen on 127.0.0.1 here (Redis, PostgreSQL, the object
store). A process started in a namespace reaches nothing but those forwarded ports."""

from __future__ import annotations

import os
import random
import shutil
import socket
import subprocess
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import pytest

from .conftest import _service_missing


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True)


class TcpForwarder:
    """Accepts on ``listen`` and pipes each connection to 127.0.0.1:``target_port``."""

    def __init__(self, listen: tuple[str, int], target_port: int) -> None:
        self.target_port = target_port
        self.server = socket.create_server(listen, reuse_port=False)
        self.server.settimeout(0.5)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self.server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port))
            except OSError:
                client.close()
                continue
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pump, args=(source, sink), daemon=True).start()

    def close(self) -> None:
        self._stop.set()
        self.server.close()
        self._thread.join()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for end in (source, sink):  # one side closed: close both
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            end.close()


@dataclass
class NamespaceHost:
    """One namespace: ``gateway`` is this side's address, the services' address for it."""

    name: str
    gateway: str
    forwarders: list[TcpForwarder] = field(default_factory=list)

    @property
    def prefix(self) -> list[str]:
        """Run a command inside the namespace."""
        return ["ip", "netns", "exec", self.name]


@dataclass
class NamespaceHosts:
    hosts: list[NamespaceHost]
    ports: Sequence[int]


def _namespaces_usable() -> bool:
    return shutil.which("ip") is not None and os.geteuid() == 0


@pytest.fixture
def namespace_hosts() -> Iterator[Callable[[int, Sequence[int]], NamespaceHosts]]:
    """``make(count, ports)``: ``count`` namespaces, each with ``ports`` of 127.0.0.1
    forwarded to its gateway address; all removed at the end."""
    if not _namespaces_usable():
        _service_missing("network namespaces", "needs root and iproute2's `ip`")
    made: list[NamespaceHost] = []

    def make(count: int, ports: Sequence[int]) -> NamespaceHosts:
        for _ in range(count):
            tag = uuid.uuid4().hex[:6]
            subnet = random.randrange(1, 250)  # 10.231.<n>.0/30: this side .1, the other .2
            host = NamespaceHost(f"locsvc-{tag}", f"10.231.{subnet}.1")
            made.append(host)
            outside, inside = f"lh{tag}", f"ln{tag}"
            _ip("netns", "add", host.name)
            _ip("link", "add", outside, "type", "veth", "peer", "name", inside)
            _ip("link", "set", inside, "netns", host.name)
            _ip("addr", "add", f"{host.gateway}/30", "dev", outside)
            _ip("link", "set", outside, "up")
            for args in (("addr", "add", f"10.231.{subnet}.2/30", "dev", inside),
                         ("link", "set", inside, "up"), ("link", "set", "lo", "up")):  # fmt: skip
                _ip("netns", "exec", host.name, "ip", *args)
            host.forwarders = [TcpForwarder((host.gateway, port), port) for port in ports]
        return NamespaceHosts(made[-count:], ports)

    yield make
    for host in made:
        for forwarder in host.forwarders:
            forwarder.close()
        subprocess.run(["ip", "netns", "del", host.name], capture_output=True)  # its veth too
