"""Screenshots members upload: checked by content (not by name), bounded in bytes and pixels,
and re-encoded so no metadata (location, device serials) and no smuggled payload survives.

    cleaned = clean_screenshot(uploaded_file)   # ValidationError with the member's words
"""

import io
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
# A 4K screen is 8.3 megapixels; a decompression bomb is hundreds. Checked from the header,
# before any pixel is decoded.
MAX_PIXELS = 16_000_000
MAX_SIDE = 10_000
MAX_PER_THREAD = 4
FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp", "GIF": "image/png"}


@dataclass(frozen=True)
class CleanImage:
    file: ContentFile
    content_type: str
    width: int
    height: int


def _refuse(message):
    raise ValidationError(message, code="screenshot")


def clean_screenshot(uploaded) -> CleanImage:
    name = getattr(uploaded, "name", "") or "screenshot"
    if uploaded.size > MAX_BYTES:
        _refuse(_("“%(name)s” is too large: screenshots can be up to 5 MB.") % {"name": name})
    data = uploaded.read(MAX_BYTES + 1)
    not_an_image = _("“%(name)s” is not a PNG, JPEG, WebP or GIF image.") % {"name": name}
    too_big = _("“%(name)s” has too many pixels for a screenshot.") % {"name": name}
    try:
        with warnings.catch_warnings():
            # Pillow warns, then raises, about huge images; our own limit below is lower still.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=list(FORMATS))
            width, height = image.size
            if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
                _refuse(too_big)
            fmt = image.format
            image.load()
            image = ImageOps.exif_transpose(image)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        _refuse(too_big)
    except UnidentifiedImageError:
        _refuse(not_an_image)
    except (OSError, ValueError, SyntaxError, EOFError):  # truncated or corrupt files
        _refuse(not_an_image)
    out = io.BytesIO()
    if fmt == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
        extension = "jpg"
    elif fmt == "WEBP":
        image.save(out, "WEBP", quality=85)
        extension = "webp"
    else:  # PNG, and GIFs become their first frame as PNG
        image = image.convert("RGBA" if "A" in image.getbands() or "transparency" in image.info else "RGB")
        image.save(out, "PNG", optimize=True)
        extension = "png"
    return CleanImage(ContentFile(out.getvalue(), name=f"screenshot.{extension}"), FORMATS[fmt], *image.size)
