"""Screenshots: checked by content, bounded, re-encoded without metadata, served through the rule."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from feedback.models import Screenshot, Thread
from tests.factories import make_member_of, make_programme

pytestmark = pytest.mark.django_db


def upload(data: bytes, name="shot.png"):
    return SimpleUploadedFile(name, data, content_type="image/png")


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (60, 40), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "SecretPhoneMaker"  # Make
    exif[0x8825] = {2: (59.0, 54.0, 0.0)}  # GPS
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def bomb_png(width=20000, height=20000) -> bytes:
    """A tiny PNG header that claims 400 megapixels."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + chunk(b"IEND", b"")


@pytest.fixture
def post_form(client):
    programme = make_programme()
    author = make_member_of(programme)
    client.force_login(author)

    def send(*files):
        return client.post(reverse("feedback_new_thread", args=[programme.pk]), {
            "kind": "bug", "title": "Screen goes black", "body": "After the update", "device": "Pixel 8",
            "screenshots": list(files),
        })

    return send


def test_a_jpeg_is_reencoded_without_metadata(post_form, client):
    response = post_form(upload(jpeg_with_exif(), "photo.jpg"))
    assert response.status_code == 302
    shot = Screenshot.objects.get()
    served = client.get(reverse("feedback_screenshot", args=[shot.pk]))
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff"
    data = b"".join(served.streaming_content)
    assert b"SecretPhoneMaker" not in data
    assert not Image.open(io.BytesIO(data)).getexif()


@pytest.mark.parametrize("data, name", [
    (b"<html><script>alert(1)</script></html>", "evil.png"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "icon.png"),
    (b"GIF89a" + b"\x00" * 10, "broken.gif"),
    (b"", "empty.png"),
])
def test_files_that_are_not_images_are_refused(post_form, data, name):
    response = post_form(upload(data, name))
    assert response.status_code == 400
    assert "not a PNG, JPEG, WebP or GIF" in response.content.decode() or "empty" in response.content.decode()
    assert not Thread.objects.exists() and not Screenshot.objects.exists()
    assert b"Screen goes black" in response.content  # the member's text is kept


def test_a_decompression_bomb_is_refused(post_form):
    response = post_form(upload(bomb_png()))
    assert response.status_code == 400 and "too many pixels" in response.content.decode()
    assert not Thread.objects.exists()


def test_an_oversized_file_is_refused(post_form):
    response = post_form(upload(b"\x89PNG" + b"0" * (5 * 1024 * 1024 + 10)))
    assert response.status_code == 400 and "too large" in response.content.decode()


def test_at_most_four(post_form):
    files = []
    for _ in range(5):
        buffer = io.BytesIO()
        Image.new("RGB", (8, 8)).save(buffer, "PNG")
        files.append(upload(buffer.getvalue()))
    assert post_form(*files).status_code == 400
    assert not Screenshot.objects.exists()


def test_screenshots_are_not_under_media(settings, post_form):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "PNG")
    post_form(upload(buffer.getvalue()))
    path = Screenshot.objects.get().file.path
    assert not path.startswith(str(settings.MEDIA_ROOT))
