"""Ports for local stacks: each service, the embedded Redis and replicas get a port of their own."""

from __future__ import annotations

import pytest

from shared.embedded_redis import free_port, free_ports
from tools.stack import SERVICES, free_service_ports

pytestmark = pytest.mark.unit


def test_ports_chosen_together_are_distinct_when_many_are_asked_for() -> None:
    ports = free_ports(64)
    assert len(set(ports)) == 64


def test_a_port_to_avoid_is_never_chosen() -> None:
    taken = set(free_ports(8))
    for _ in range(50):
        assert free_port(avoid=taken) not in taken


def test_every_service_gets_its_own_port() -> None:
    ports = free_service_ports()
    assert sorted(ports) == sorted(SERVICES)
    assert len(set(ports.values())) == len(SERVICES)
