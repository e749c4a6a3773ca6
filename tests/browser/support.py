"""Helpers shared by the browser journeys."""

from pathlib import Path

from conftest import PASSWORD

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def login(page, base, username):
    page.goto(f"{base}/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{base}/")


def no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def open_form(page, base, sub, bulan=1):
    """The phone form of a sub kegiatan's monthly report."""
    page.goto(f"{base}/monitoring/laporan/{sub.pk}/{bulan}/")
    page.wait_for_selector("form[data-offline-form]")


def queue_size(page):
    return page.evaluate("window.pantauOffline.items().then(i => i.length)")  # evaluate awaits


def queued_values(page, name):
    """One field's value in each queued report, oldest first (the order they are sent in)."""
    return page.evaluate(
        "name => window.pantauOffline.items().then(items => items.map("
        "i => (i.entries.find(e => e[0] === name) || [])[1]))",
        name,
    )
