"""The archive: an uncompressed tar holding the database dump, every uploaded file under `media/` and,
last, `manifest.json` with the sha256 and size of every other member. A restore checks every member
against the manifest (and refuses a member the manifest does not name) before it writes anything."""
import hashlib
import io
import json
import os
import shutil
import tarfile
from pathlib import Path, PurePosixPath
from typing import IO, Any

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA = "media"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why (shown to the operator, no traceback)."""


class _Hashing(io.RawIOBase):
    """Reads through to `source`, hashing and counting what was read: the checksum is of the bytes
    that went into the archive, even if the file changes while it is copied."""

    def __init__(self, source: IO[bytes]) -> None:
        self.source, self.digest, self.size = source, hashlib.sha256(), 0

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size)
        self.digest.update(data)
        self.size += len(data)
        return data


class ArchiveWriter:
    """Writes `<path>.partial` and renames it to `path` on `close()`: a failed backup leaves no archive
    that looks complete."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.partial = path.with_name(path.name + ".partial")
        path.parent.mkdir(parents=True, exist_ok=True)
        self.tar = tarfile.open(self.partial, "w", format=tarfile.PAX_FORMAT)
        self.members: dict[str, dict[str, Any]] = {}

    def add(self, name: str, source: Path) -> bool:
        """Add the file `source` as `name`; False when it vanished first (an upload deleted meanwhile)."""
        try:
            handle = source.open("rb")
        except FileNotFoundError:
            return False
        with handle:
            status = os.fstat(handle.fileno())
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = status.st_size, int(status.st_mtime), 0o644
            hashing = _Hashing(handle)
            self.tar.addfile(info, hashing)
        self.members[name] = {"sha256": hashing.digest.hexdigest(), "size": hashing.size}
        return True

    def add_tree(self, root: Path, prefix: str = MEDIA) -> tuple[int, int]:
        """Every file under `root` as `<prefix>/<relative path>`, in name order; returns (files, bytes)."""
        files = size = 0
        for path in sorted(root.rglob("*")) if root.is_dir() else ():
            name = f"{prefix}/{path.relative_to(root).as_posix()}"
            if path.is_file() and not path.is_symlink() and self.add(name, path):
                files, size = files + 1, size + self.members[name]["size"]
        return files, size

    def close(self, manifest: dict[str, Any]) -> None:
        data = json.dumps({**manifest, "members": self.members}, indent=2, sort_keys=True).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mode = len(data), 0o644
        self.tar.addfile(info, io.BytesIO(data))
        self.tar.close()
        self.partial.replace(self.path)

    def abort(self) -> None:
        self.tar.close()
        self.partial.unlink(missing_ok=True)


def _safe(name: str) -> bool:
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts and "\\" not in name and "\x00" not in name


def verify(path: Path) -> dict[str, Any]:
    """The manifest, once every member's size and sha256 match it and no member is missing or extra."""
    try:
        with tarfile.open(path, "r:") as tar:
            members = tar.getmembers()
            names = [member.name for member in members]
            if MANIFEST not in names:
                raise BackupError(f"{path} has no {MANIFEST}: not a complete backup archive (truncated?)")
            manifest = _manifest(tar)
            expected = manifest["members"]
            if len(set(names)) != len(names) or set(names) - {MANIFEST} != set(expected):
                extra = sorted(set(names) - {MANIFEST} - set(expected))
                lost = sorted(set(expected) - set(names))
                raise BackupError(f"{path} does not hold what its manifest lists (missing: {lost[:5]}, "
                                   f"not listed: {extra[:5]}, or a name twice)")
            for member in members:
                if member.name != MANIFEST:
                    _check_member(tar, member, expected[member.name])
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"{path} cannot be read as a backup archive: {exc}") from None
    return manifest


def _manifest(tar: tarfile.TarFile) -> dict[str, Any]:
    handle = tar.extractfile(MANIFEST)
    try:
        manifest = json.loads(handle.read()) if handle else None
    except ValueError:
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_VERSION or not isinstance(
            manifest.get("members"), dict):
        raise BackupError(f"{MANIFEST} is not a backup manifest of format {FORMAT_VERSION}")
    return manifest


def _check_member(tar: tarfile.TarFile, member: tarfile.TarInfo, expected: Any) -> None:
    if not (member.isfile() and _safe(member.name) and isinstance(expected, dict)):
        raise BackupError(f"{member.name!r}: not a plain file with a safe name")
    handle = tar.extractfile(member)
    digest, size = hashlib.sha256(), 0
    while handle and (chunk := handle.read(CHUNK)):
        digest.update(chunk)
        size += len(chunk)
    if size != expected.get("size") or digest.hexdigest() != expected.get("sha256"):
        raise BackupError(f"{member.name}: its size or checksum differs from the manifest (damaged or changed)")


def extract(path: Path, name: str, target: Path) -> None:
    """Copy the member `name` to the file `target`."""
    with tarfile.open(path, "r:") as tar, tar.extractfile(name) as source, target.open("xb") as out:  # type: ignore[union-attr]
        shutil.copyfileobj(source, out, CHUNK)


def extract_tree(path: Path, target: Path, prefix: str = MEDIA) -> int:
    """Every member under `<prefix>/` into `target` (names were checked by `verify`); returns how many."""
    count = 0
    with tarfile.open(path, "r:") as tar:
        for member in tar:
            if member.name.startswith(prefix + "/"):
                destination = target / PurePosixPath(member.name).relative_to(prefix)
                destination.parent.mkdir(parents=True, exist_ok=True)
                with tar.extractfile(member) as source, destination.open("xb") as out:  # type: ignore[union-attr]
                    shutil.copyfileobj(source, out, CHUNK)
                count += 1
    return count
