"""An upload stopped by the streaming limit is discarded in fixed chunks: a large body without
newlines never sits whole in memory (Django's clean-up after StopUpload reads line by line)."""

import tracemalloc

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from pantau.core.uploads import refused_message

BODY_MB = 24


def test_a_refused_upload_without_newlines_is_discarded_in_chunks(settings):
    settings.UPLOAD_MAX_MB = 1
    settings.UPLOAD_MAX_REQUEST_MB = 100
    upload = SimpleUploadedFile("besar.csv", b"x" * (BODY_MB * 1024 * 1024), "text/csv")
    request = RequestFactory().post("/satu-data/1/unggah/", {"berkas": upload})
    del upload
    tracemalloc.start()
    try:
        message = refused_message(request)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert message and "terlalu besar" in message and "1 MB" in message
    assert not request.FILES  # nothing reached the view
    # before: the rest of the body (23 MB) was read as one line; now 64 KB at a time
    assert peak < 4 * 1024 * 1024, f"peak {peak / 1024 / 1024:.1f} MB while discarding"
