"""An e-mail backend for fault tests: one file per message, each taking a little while to send."""

import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend

SEND_SECONDS = 0.1


class SlowFileBackend(BaseEmailBackend):
    def send_messages(self, messages):
        for message in messages:
            time.sleep(SEND_SECONDS)  # an SMTP server's round trips
            path = Path(settings.EMAIL_FILE_PATH) / f"{uuid.uuid4().hex}.eml"
            path.write_bytes(message.message().as_bytes())
        return len(messages)


def recipients_of(folder) -> list[str]:
    """Every To: address of every message written to folder (one entry per message)."""
    from email import message_from_bytes

    return [message_from_bytes(p.read_bytes())["To"] for p in Path(folder).glob("*.eml")]
