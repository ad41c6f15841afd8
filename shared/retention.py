"""Stream retention: trim what every consumer group has acknowledged, and nothing else.

The rule (docs/operations.md): an entry of an event stream may be removed only when

1. **every** consumer group of the stream has acknowledged it: it lies below each group's
   first pending entry and at or below its last delivered entry; a stream with no group keeps
   everything (a consumer yet to start would miss it); and
2. it is older than ``max_age_s`` **or** is not among the newest ``keep_last`` entries (each
   rule optional; with neither set nothing is trimmed).

Trimming is ``XTRIM … MINID`` at the lower of the two bounds, so it can only remove entries
older than the oldest one still unacknowledged. Groups only move forward, so a bound read a
moment earlier is still safe when the trim runs. Dead-letter streams are capped by length
instead (``shared.consumer``): no group reads them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import redis


def _parse(entry_id: str | bytes) -> tuple[int, int]:
    text = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
    ms, _, seq = text.partition("-")
    return int(ms), int(seq or 0)


def _text(entry_id: tuple[int, int]) -> str:
    return f"{entry_id[0]}-{entry_id[1]}"


@dataclass(frozen=True)
class Retention:
    """How much acknowledged history each stream keeps (see the module's rule)."""

    keep_last: int | None = None
    max_age_s: float | None = None

    @property
    def active(self) -> bool:
        return self.keep_last is not None or self.max_age_s is not None

    def acknowledged_below(self, client: redis.Redis, stream: str) -> tuple[int, int] | None:
        """The lowest id some group has not acknowledged (everything below it is
        acknowledged by all), or None if the stream has no group or does not exist."""
        try:
            groups = client.xinfo_groups(stream)
        except redis.ResponseError:
            return None
        if not groups:
            return None
        bounds = []
        for g in groups:
            if int(g["pending"]):
                bounds.append(_parse(client.xpending(stream, g["name"])["min"]))
            else:
                ms, seq = _parse(g["last-delivered-id"])
                bounds.append((ms, seq + 1))
        return min(bounds)

    def policy_cut(self, client: redis.Redis, stream: str, now_s: float) -> tuple[int, int] | None:
        """The id below which the age and length rules would remove entries."""
        cuts = []
        if self.max_age_s is not None:
            cuts.append((int((now_s - self.max_age_s) * 1000), 0))
        if self.keep_last is not None:
            newest: list[tuple[str | bytes, object]] = client.xrevrange(  # type: ignore[assignment]
                stream, count=self.keep_last
            )
            if len(newest) == self.keep_last:
                cuts.append(_parse(newest[-1][0]))
        return max(cuts) if cuts else None

    def trim(self, client: redis.Redis, stream: str, now_s: float | None = None) -> int:
        """Remove what the rule allows from ``stream``; returns how many entries went."""
        if not self.active:
            return 0
        floor = self.acknowledged_below(client, stream)
        cut = self.policy_cut(client, stream, time.time() if now_s is None else now_s)
        if floor is None or cut is None:
            return 0
        return int(client.xtrim(stream, minid=_text(min(floor, cut)), approximate=False))
