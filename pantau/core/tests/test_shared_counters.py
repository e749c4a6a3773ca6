"""The shared counter store (pantau/core/counters.py): what django-ratelimit needs of a cache,
answered from one SQLite file that several processes open."""

import pytest

from pantau.core.counters import SharedCounterCache


@pytest.fixture
def counters(tmp_path):
    return SharedCounterCache(str(tmp_path / "counters.sqlite3"), {})


def test_add_only_when_absent_or_expired(counters):
    assert counters.add("a", 1, 60) is True
    assert counters.add("a", 1, 60) is False
    assert counters.get("a") == 1
    counters.set("a", 5, 0)  # expires at once: the next add starts a new count
    assert counters.get("a", "absent") == "absent"
    assert counters.add("a", 1, 60) is True
    assert counters.get("a") == 1


def test_incr_counts_and_refuses_a_missing_key(counters):
    counters.add("b", 1, 60)
    assert [counters.incr("b") for _ in range(3)] == [2, 3, 4]
    assert counters.incr("b", 10) == 14
    with pytest.raises(ValueError):
        counters.incr("missing")


def test_a_second_handle_on_the_same_file_sees_the_same_count(counters, tmp_path):
    other = SharedCounterCache(str(tmp_path / "counters.sqlite3"), {})
    counters.add("c", 1, 60)
    assert other.incr("c") == 2
    assert counters.get("c") == 2


def test_whole_numbers_only_and_clear(counters):
    with pytest.raises(TypeError):
        counters.set("d", "text")
    with pytest.raises(TypeError):
        counters.add("d", 1.5)
    counters.set("d", 3)  # the default timeout
    assert counters.has_key("d") and counters.touch("d", 60)
    assert counters.delete("d") is True and counters.delete("d") is False
    counters.set("e", 1, None)  # never expires
    counters.clear()
    assert counters.get("e") is None
