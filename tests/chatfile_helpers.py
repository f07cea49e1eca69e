"""Files for the chat-file tests: real images made by Pillow, and posting them as chat.js does."""
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def image_bytes(fmt="PNG", size=(900, 600), color=(20, 120, 200)):
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format=fmt)
    return out.getvalue()


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def files_url(team, channel):
    return reverse("discussion:post_files", args=[team.slug, channel.pk])


def post_files(client, team, channel, *files, body="", thread=None):
    data = {"body": body, "file": list(files)}
    if thread is not None:
        data["thread"] = thread
    return client.post(files_url(team, channel), data)
