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
CODE_GROUPS = ("word", "indicator", "qualification", "school", "material", "employment")
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
def reason_rules(kind: str = "reason") -> tuple[ReasonRule, ...]:
    with (HERE / "reasons.toml").open("rb") as f:
        raw = tomllib.load(f)
    return tuple(ReasonRule(re.compile(r["en"] + "$"), r["vi"]) for r in raw[kind])


MEMBERS = re.compile(r"members? (?P<items>.+)$")


def translate_reason(text: str, t: Translator) -> str:
    """``text`` in Vietnamese; a reason naming members («member 1 (age 40) is …; 3 (age 9)
    …») is translated member by member."""
    found = _match(text, reason_rules("reason"), t)
    if found is not None:
        return found
    m = MEMBERS.match(text)
    if m:
        items = [_match(i, reason_rules("member"), t) for i in m.group("items").split("; ")]
        if all(i is not None for i in items):
            return "thành viên " + "; ".join(i for i in items if i)
    return f"{text} (chưa dịch)"


def _match(text: str, rules: tuple[ReasonRule, ...], t: Translator) -> str | None:
    for rule in rules:
        m = rule.pattern.match(text)
        if m:
            # a group named ``<code list>__<name>`` reads its codes from that list first
            groups = {
                k.rpartition("__")[2]: _words(v, t, k.rpartition("__")[0] or None)
                for k, v in m.groupdict().items()
            }
            return rule.vi.format(**groups)
    return None


def _words(value: str | None, t: Translator, prefer: str | None = None) -> str:
    """Codes quoted inside a reason (materials, components, sources, indicators) in
    Vietnamese; other words are left as they are."""
    if value is None:
        return ""
    words = catalogue(t.lang)

    def one(m: re.Match[str]) -> str:
        code = m.group(0)
        for group in (prefer, *CODE_GROUPS) if prefer else CODE_GROUPS:
            if found := words.get(f"{group}.{code}"):
                return found[0].lower() + found[1:] if group != "indicator" else found
        return code

    return re.sub(r"[a-z][a-z_]*", one, value)
