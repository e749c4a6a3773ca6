"""Solr-like matching of `q` (package_search and the DCAT catalogue): the text fields
(`title:`, `notes:`, `text:`) match words or phrases, everything else follows `fq`."""

from __future__ import annotations

import re

from pantau.opendata import fq

# `title:`, `notes:` and `text:` are text fields in CKAN's Solr schema: a term matches words,
# not the whole value. Other `field:value` terms keep the exact fq grammar.
TEXT_TERM = re.compile(r'(?<!\S)(title|notes|text):("(?:[^"\\]|\\.)*"|[^\s"]+)')
WORD = re.compile(r"\w+")


def _words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def _text_of(pkg: dict, field: str) -> str:
    if field == "title":
        return pkg["title"]
    if field == "notes":
        return pkg["notes"]
    return pkg["_search"]


def _text_term(field: str, value: str) -> fq.Predicate:
    if any(c in value for c in "*?~^"):
        raise fq.QueryError(f"wildcards are not supported in q: {field}:{value}")
    phrase = value.startswith('"')
    wanted = _words(value.strip('"').replace('\\"', '"'))

    def match(pkg: dict) -> bool:
        words = _words(_text_of(pkg, field))
        if not wanted:
            return True
        if phrase:
            n = len(wanted)
            return any(words[i : i + n] == wanted for i in range(len(words) - n + 1))
        return all(w in words for w in wanted)

    return match


def compile_q(text: str) -> fq.Predicate:
    """`q` of package_search and the DCAT catalogue: free words and fq terms as
    `fq.compile_q`, with the text fields matched word by word as Solr does."""
    text = text or ""
    if len(text) > fq.MAX_LENGTH:
        raise fq.QueryError(f"query longer than {fq.MAX_LENGTH} characters")
    preds: list[fq.Predicate] = []

    def take(m: re.Match) -> str:
        preds.append(_text_term(m[1], m[2]))
        return " "

    rest = TEXT_TERM.sub(take, text)
    preds.append(fq.compile_q(rest))
    return lambda pkg: all(p(pkg) for p in preds)
