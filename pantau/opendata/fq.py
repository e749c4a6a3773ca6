"""The `fq` / `q` filter grammar of package_search (docs/opendata-interop.md §6.2), compiled to a
predicate over package dicts. Anything outside the grammar raises `QueryError` (→ CKAN
"Search Query Error", HTTP 400), never a silent empty result.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

Predicate = Callable[[dict], bool]
STOP = set(' \t\r\n"()[]{}~^*?!\\')
DATETIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?)?Z?$")
FIELDS = {
    "id",
    "name",
    "type",
    "organization",
    "owner_org",
    "groups",
    "tags",
    "res_format",
    "license_id",
    "title",
    "metadata_modified",
    "metadata_created",
    "state",
    "capacity",
}
DATE_FIELDS = {"metadata_modified", "metadata_created"}


class QueryError(ValueError):
    pass


def parse_datetime(text: str, *, now: dt.datetime | None = None) -> dt.datetime:
    if text == "NOW":
        return (now or dt.datetime.now(dt.UTC)).replace(tzinfo=None)
    m = DATETIME.match(text)
    if not m:
        raise QueryError(f"invalid date {text!r}")
    y, mo, d, h, mi, s, frac = m.groups()
    try:
        return dt.datetime(  # noqa: DTZ001 - CKAN compares naive UTC values
            int(y),
            int(mo),
            int(d),
            int(h or 0),
            int(mi or 0),
            int(s or 0),
            int((frac or "0").ljust(6, "0")),
        )
    except ValueError as exc:
        raise QueryError(f"invalid date {text!r}") from exc


def _values(pkg: dict, field: str) -> list[str]:
    """The dataset's values for a field (as strings; lists for multi-valued fields)."""
    if field == "organization":
        return [pkg["organization"]["name"]] if pkg.get("organization") else []
    if field == "groups":
        return [g["name"] for g in pkg["groups"]]
    if field == "tags":
        return [t["name"] for t in pkg["tags"]]
    if field == "res_format":
        return [r["format"].lower() for r in pkg["resources"]]
    if field == "capacity":
        return ["public"]
    if field.startswith("extras_"):
        key = field[len("extras_") :]
        return [e["value"] for e in pkg["extras"] if e["key"] == key]
    value = pkg.get(field)
    return [] if value in (None, "") else [str(value)]


MAX_LENGTH = 4000
MAX_DEPTH = 20


class _Parser:
    def __init__(self, text: str) -> None:
        if len(text) > MAX_LENGTH:
            raise QueryError(f"query longer than {MAX_LENGTH} characters")
        self.s = text
        self.i = 0
        self.depth = 0

    # -- helpers
    def peek(self, k: int = 0) -> str:
        j = self.i + k
        return self.s[j] if j < len(self.s) else ""

    def ws(self) -> bool:
        start = self.i
        while self.peek() and self.peek() in " \t\r\n":
            self.i += 1
        return self.i > start

    def keyword(self, *words: str) -> str | None:
        """A keyword surrounded by whitespace at the current position (consumed)."""
        save = self.i
        if not self.ws():
            return None
        for w in words:
            if self.s.startswith(w, self.i):
                after = self.i + len(w)
                if after < len(self.s) and self.s[after] in " \t\r\n":
                    self.i = after
                    self.ws()
                    return w
        self.i = save
        return None

    def fail(self, what: str):
        raise QueryError(f"{what} at position {self.i} of {self.s!r}")

    # -- grammar
    def parse(self) -> Predicate:
        self.ws()
        if self.i >= len(self.s):
            return lambda pkg: True
        pred = self.conj()
        self.ws()
        if self.i < len(self.s):
            self.fail("unexpected text")
        return pred

    def conj(self) -> Predicate:
        items = [self.disj()]
        while True:
            save = self.i
            if self.keyword("AND", "&&"):
                items.append(self.disj())
                continue
            if self.ws() and self.peek() and self.peek() != ")":
                items.append(self.disj())
                continue
            self.i = save
            break
        return lambda pkg: all(p(pkg) for p in items)

    def disj(self) -> Predicate:
        items = [self.term()]
        while self.keyword("OR", "||"):
            items.append(self.term())
        return items[0] if len(items) == 1 else (lambda pkg: any(p(pkg) for p in items))

    def term(self) -> Predicate:
        sign = ""
        if self.peek() in "+-":
            sign = self.peek()
            self.i += 1
        if self.peek() == "(":
            self.i += 1
            self.depth += 1
            if self.depth > MAX_DEPTH:
                self.fail("too deeply nested")
            self.ws()
            inner = self.conj()
            self.depth -= 1
            self.ws()
            if self.peek() != ")":
                self.fail("missing )")
            self.i += 1
        else:
            inner = self.clause()
        if sign == "-":
            return lambda pkg: not inner(pkg)
        return inner

    def clause(self) -> Predicate:
        if self.s.startswith("*:*", self.i):
            self.i += 3
            return lambda pkg: True
        m = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*").match(self.s, self.i)
        if not m or self.peek(m.end() - self.i) != ":":
            self.fail("expected field:value")
        field = m.group(0)
        if field not in FIELDS and not field.startswith("extras_"):
            raise QueryError(f"unknown field {field!r}")
        self.i = m.end() + 1
        return self.value(field)

    def value(self, field: str) -> Predicate:
        c = self.peek()
        if c == "*":
            self.i += 1
            if self.peek() and self.peek() not in " \t\r\n)":
                self.fail("wildcards are not supported")
            return lambda pkg: bool(_values(pkg, field))
        if c == '"':
            text = self.quoted()
            return _equals(field, text)
        if c in "[{":
            return self.range(field)
        if c == "(":
            self.i += 1
            self.depth += 1  # groups of values nest too (tags:((((x)))) counts every level)
            if self.depth > MAX_DEPTH:
                self.fail("too deeply nested")
            self.ws()
            items = [self.value(field)]
            mode = None
            while True:
                word = self.keyword("OR", "AND")
                if not word:
                    break
                if mode and word != mode:
                    self.fail("mixed AND/OR in a group")
                mode = word
                items.append(self.value(field))
            self.ws()
            if self.peek() != ")":
                self.fail("missing ) in group")
            self.i += 1
            self.depth -= 1
            if mode == "AND":
                return lambda pkg: all(p(pkg) for p in items)
            return lambda pkg: any(p(pkg) for p in items)
        return _equals(field, self.bare())

    def bare(self) -> str:
        start = self.i
        while self.peek() and self.peek() not in STOP:
            self.i += 1
        if self.peek() and self.peek() in "~^*?!\\":
            self.fail("wildcards, fuzzy terms and boosts are not supported")
        if self.i == start:
            self.fail("expected a value")
        return self.s[start : self.i]

    def quoted(self) -> str:
        self.i += 1
        out = []
        while True:
            c = self.peek()
            if not c:
                self.fail("unterminated quote")
            self.i += 1
            if c == "\\":
                out.append(self.peek())
                self.i += 1
            elif c == '"':
                return "".join(out)
            else:
                out.append(c)

    def range(self, field: str) -> Predicate:
        low_incl = self.peek() == "["
        self.i += 1
        self.ws()
        low = self.bound()
        if not self.keyword("TO"):
            self.fail("expected TO")
        high = self.bound()
        self.ws()
        if self.peek() not in "]}":
            self.fail("expected ] or }")
        high_incl = self.peek() == "]"
        self.i += 1
        if field in DATE_FIELDS:
            lo = None if low == "*" else parse_datetime(low)
            hi = None if high == "*" else parse_datetime(high)
            conv = parse_datetime
        else:
            lo = None if low == "*" else low
            hi = None if high == "*" else high
            conv = str

        def check(pkg: dict) -> bool:
            for raw in _values(pkg, field):
                try:
                    v = conv(raw) if field not in DATE_FIELDS else parse_datetime(raw)
                except QueryError:
                    continue
                if lo is not None and (v < lo or (v == lo and not low_incl)):
                    continue
                if hi is not None and (v > hi or (v == hi and not high_incl)):
                    continue
                return True
            return False

        return check

    def bound(self) -> str:
        if self.peek() == "*":
            self.i += 1
            return "*"
        start = self.i
        while self.peek() and self.peek() not in " \t\r\n]}":
            self.i += 1
        text = self.s[start : self.i]
        if not text or any(c in text for c in "~^*?!\\"):
            self.fail("invalid range bound")
        if "NOW" in text and text != "NOW":
            self.fail("date math is not supported")
        return text


def _equals(field: str, text: str) -> Predicate:
    if field == "res_format":
        text = text.lower()
    if field == "state":
        return lambda pkg: text == "active"
    if field in DATE_FIELDS:
        when = parse_datetime(text)
        return lambda pkg: any(parse_datetime(v) == when for v in _values(pkg, field))
    return lambda pkg: text in _values(pkg, field)


def compile_fq(text: str) -> Predicate:
    return _Parser(text or "").parse()


def compile_q(text: str) -> Predicate:
    """Free text: every word must occur (case-insensitive) in the searchable text of the
    dataset; `field:value` terms follow the fq grammar."""
    text = (text or "").strip()
    if len(text) > MAX_LENGTH:
        raise QueryError(f"query longer than {MAX_LENGTH} characters")
    if not text or text == "*:*":
        return lambda pkg: True
    parts = re.findall(r'[A-Za-z_][A-Za-z0-9_.]*:(?:"(?:[^"\\]|\\.)*"|\S+)|"[^"]*"|\S+', text)
    preds: list[Predicate] = []
    for part in parts:
        if re.match(r"^[A-Za-z_][A-Za-z0-9_.]*:", part) and part != "*:*":
            preds.append(compile_fq(part))
        else:
            word = part.strip('"').lower()
            if any(c in word for c in "*?~^"):
                raise QueryError(f"wildcards are not supported in q: {part!r}")
            if word:
                preds.append(lambda pkg, w=word: w in pkg["_search"])
    return lambda pkg: all(p(pkg) for p in preds)
