"""The message catalogue: one TOML file per language (``messages/vi.toml``, ``en.toml``), flat
keys, Vietnamese first. Indicator reasons and what-if causes come from the engine as English
sentences; ``messages/reasons.toml`` holds a pattern per sentence and its Vietnamese wording, so
a new sentence shows in English (marked) until it is added there (a test lists them all)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent / "messages"
LANGUAGES = ("vi", "en")


@cache
def catalogue(lang: str) -> dict[str, str]:
    with (HERE / f"{lang}.toml").open("rb") as f:
        raw = tomllib.load(f)
    return dict(_flatten(raw))


def _flatten(d: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.extend(_flatten(v, key + "."))
        else:
            out.append((key, str(v)))
    return out


@dataclass(frozen=True)
class Translator:
    lang: str

    def __call__(self, key: str, **values: object) -> str:
        """The message ``key`` in this language (the Vietnamese one, then the key itself, when
        the English catalogue lacks it)."""
        text = catalogue(self.lang).get(key) or catalogue("vi").get(key) or key
        return text.format(**values) if values else text

    def code(self, group: str, value: object) -> str:
        """A code list's label (``status.poor`` → «Hộ nghèo»); the code itself when unknown."""
        if value is None or value == "":
            return "—"
        key = f"{group}.{value}"
        text = catalogue(self.lang).get(key) or catalogue("vi").get(key)
        return text or str(value)

    def reason(self, text: str | None) -> str:
        """An engine reason or what-if cause in this language."""
        if not text:
            return ""
        if self.lang == "en":
            return text
        return translate_reason(text, self)


@dataclass(frozen=True)
class ReasonRule:
    pattern: re.Pattern[str]
    vi: str


@cache
def reason_rules() -> tuple[ReasonRule, ...]:
    with (HERE / "reasons.toml").open("rb") as f:
        raw = tomllib.load(f)
    return tuple(ReasonRule(re.compile(r["en"] + "$"), r["vi"]) for r in raw["reason"])


def translate_reason(text: str, t: Translator) -> str:
    for rule in reason_rules():
        m = rule.pattern.match(text)
        if m:
            groups = {k: _words(v, t) for k, v in m.groupdict().items()}
            return rule.vi.format(**groups)
    return f"{text} (chưa dịch)"


def _words(value: str | None, t: Translator) -> str:
    """Codes quoted inside a reason (materials, indicators, sources) in Vietnamese."""
    if value is None:
        return ""
    parts = [p.strip() for p in re.split(r",\s*", value)]
    if all(re.fullmatch(r"[a-z_]+", p) for p in parts):
        return ", ".join(t.code("word", p) for p in parts)
    return value
