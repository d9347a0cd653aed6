"""The containers/image `dir:` transport (podman `save --format docker-dir`, `skopeo copy … dir:X`).

Layout (docs/formats.md §1.3): `version` ("Directory Transport Version: 1.1\\n"), `manifest.json` (the
image manifest, or the list/index when copied with --all), every blob named by its digest hex (version
1.0: `<hex>.tar`, the config too), child manifests of an index as `<hex>.manifest.json`. No names.

Reading: every digest is validated before it becomes a file name, and no symlink may lead out of the
directory. Writing: like c/image, a non-empty directory without a 1.1 `version` file is never
overwritten; the new directory is built next to the target and swapped in at commit (all or nothing).
"""

from __future__ import annotations

import os
import shutil
import stat
import threading
from typing import BinaryIO

from engine import compression, media
from engine.contract import BlobWriter, CompressionPolicy, Destination, Source, SourceImage
from engine.digest import Digest, sha256_digest
from engine.errors import EstibaError, InvalidInput, NotFound, Unsupported
from engine.formats.staging import Staging
from engine.manifest import MAX_MANIFEST_BYTES, Descriptor, ImageConfig, parse
from engine.progress import OnBytes

VERSION_1_1 = b"Directory Transport Version: 1.1\n"
VERSION_1_0 = b"Directory Transport Version: 1.0\n"
VERSION_FILE = "version"
MANIFEST_FILE = "manifest.json"
CHILD_SUFFIX = ".manifest.json"
FILE_MODE = 0o644
DIR_MODE = 0o755
_VERSION_READ_LIMIT = 256  # a version file is 33 bytes; anything much longer is not one

_COMPRESS = {
    "gzip": CompressionPolicy(compression.GZIP, force=True),
    "zstd": CompressionPolicy(compression.ZSTD, force=True),
    "none": CompressionPolicy(compression.NONE, force=True),
}


def is_dir_transport(path: str) -> bool:
    """True for a directory holding a `version` file and a `manifest.json` (what `dir:` writes)."""
    return (os.path.isdir(path) and os.path.isfile(os.path.join(path, VERSION_FILE))
            and os.path.isfile(os.path.join(path, MANIFEST_FILE)))


def open_source(path: str) -> Source:
    return DirSource(path)


def open_destination(path: str, *, docker: bool = False, compress: str | None = None) -> Destination:
    return DirDestination(path, docker=docker, compress=compress)


def _why(exc: OSError) -> str:
    return exc.strerror or exc.__class__.__name__


# -- reading --------------------------------------------------------------------------------------------


class DirSource(Source):
    def __init__(self, path: str) -> None:
        self.description = f"dir:{path}"
        if not os.path.exists(path):
            raise NotFound(f"{self.description} does not exist")
        if not os.path.isdir(path):
            raise InvalidInput(f"{self.description} is not a directory")
        self.root = os.path.realpath(path)
        self.version = self._read_version()
        raw = self._read_small(MANIFEST_FILE, MAX_MANIFEST_BYTES)
        if raw is None:
            raise NotFound(f"{self.description} has no manifest.json: it is not a containers image directory")
        parse(raw, f"manifest.json of {self.description}")  # fail early, with this label, on a broken one
        self._manifest = raw

    def _read_version(self) -> bytes:
        data = self._read_small(VERSION_FILE, _VERSION_READ_LIMIT)
        if data is None:
            raise InvalidInput(f"{self.description} has no version file: it is not a containers image directory")
        if data not in (VERSION_1_1, VERSION_1_0):
            shown = data[:40].decode("utf-8", "replace").strip()
            raise InvalidInput(f"{self.description} has an unknown version {shown!r}; expected "
                               "'Directory Transport Version: 1.1' (or 1.0)")
        return data

    # -- files, confined to the directory

    def _resolve(self, name: str) -> str | None:
        """The real path of `name` in the directory; None when it does not exist. Links leaving it: refused."""
        path = os.path.join(self.root, name)
        if not os.path.lexists(path):
            return None
        real = os.path.realpath(path)
        if os.path.commonpath([real, self.root]) != self.root:
            raise InvalidInput(f"{name} in {self.description} is a symlink leading out of the directory; "
                               "refusing to follow it")
        return real

    def _open(self, name: str) -> tuple[str, BinaryIO] | None:
        """(real path, open file) of a regular file in the directory; None when it does not exist."""
        real = self._resolve(name)
        if real is None:
            return None
        try:
            # NOFOLLOW: realpath resolved every link already; NONBLOCK: a FIFO must not hang us.
            fd = os.open(real, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except FileNotFoundError:
            return None  # a dangling link inside the directory
        except OSError as exc:
            raise InvalidInput(f"cannot open {name} in {self.description}: {_why(exc)}") from None
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise InvalidInput(f"{name} in {self.description} is not a regular file")
        return real, os.fdopen(fd, "rb")

    def _read_small(self, name: str, limit: int) -> bytes | None:
        found = self._open(name)
        if found is None:
            return None
        with found[1] as f:
            try:
                data = f.read(limit + 1)
            except OSError as exc:
                raise InvalidInput(f"cannot read {name} in {self.description}: {_why(exc)}") from None
        if len(data) > limit:
            raise InvalidInput(f"{name} in {self.description} is over the {limit} byte limit: refusing to read it")
        return data

    def _blob_names(self, digest: Digest) -> tuple[str, str]:
        # Version 1.0 named every blob <hex>.tar; accept either name in both versions.
        if self.version == VERSION_1_0:
            return digest.hex + ".tar", digest.hex
        return digest.hex, digest.hex + ".tar"

    def _open_blob(self, digest: Digest) -> tuple[str, BinaryIO]:
        digest = Digest(str(digest))  # validated before it becomes a file name
        for name in self._blob_names(digest):
            found = self._open(name)
            if found is not None:
                return found
        raise NotFound(f"{self.description} has no blob {digest} (no file {digest.hex}): the directory is "
                       "incomplete")

    # -- the Source interface

    def images(self) -> list[SourceImage]:
        # manifest.json is not content-addressed: there is no digest to check it against.
        return [SourceImage(self._manifest, None, [], self.description)]

    def get_manifest(self, digest: Digest, size: int) -> bytes:
        digest = Digest(str(digest))
        raw = self._read_small(digest.hex + CHILD_SUFFIX, MAX_MANIFEST_BYTES)
        if raw is None:
            raise NotFound(f"{self.description} has no manifest {digest} (no file {digest.hex}{CHILD_SUFFIX}): "
                           "it was copied with one platform only")
        return raw

    def open_blob(self, desc: Descriptor) -> BinaryIO:
        return self._open_blob(desc.digest)[1]

    def blob_file(self, desc: Descriptor) -> tuple[str, int, int] | None:
        path, f = self._open_blob(desc.digest)
        with f:
            return path, 0, os.fstat(f.fileno()).st_size


# -- writing --------------------------------------------------------------------------------------------


def _check_overwrite(path: str, description: str) -> bool:
    """c/image's guard: refuse a non-empty directory that is not a 1.1 `dir:`. Returns whether `path` exists."""
    refuse = f"{description} is not a containers image directory; refusing to overwrite it"
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise EstibaError(f"cannot examine {description}: {_why(exc)}") from None
    if not stat.S_ISDIR(st.st_mode):
        raise InvalidInput(f"{description} exists and is not a directory; refusing to overwrite it")
    try:
        if not os.listdir(path):
            return True
        with open(os.path.join(path, VERSION_FILE), "rb") as f:
            version = f.read(_VERSION_READ_LIMIT)
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        raise InvalidInput(refuse) from None
    except OSError as exc:
        raise EstibaError(f"cannot examine {description}: {_why(exc)}") from None
    if version != VERSION_1_1:
        raise InvalidInput(refuse)
    return True


def _write_file(path: str, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, FILE_MODE)
    with os.fdopen(fd, "wb") as f:
        os.fchmod(fd, FILE_MODE)  # whatever the umask
        f.write(data)


class DirDestination(Destination):
    accepts_index = True
    multi_image = False

    def __init__(self, path: str, *, docker: bool = False, compress: str | None = None) -> None:
        self.description = f"dir:{path}"
        if compress is not None and compress not in _COMPRESS:
            raise Unsupported(f"unknown compression {compress!r} for {self.description}; use gzip, zstd or none")
        self.families = (media.DOCKER,) if docker else (media.OCI, media.DOCKER)
        self.compression = _COMPRESS[compress] if compress else CompressionPolicy()
        # Work on the real directory (a symlinked target keeps its link), next to it on the same filesystem.
        self.target = os.path.realpath(path)
        _check_overwrite(self.target, self.description)
        self._lock = threading.Lock()
        self._staging: Staging | None = None
        self._created_parent: str | None = None  # the topmost parent directory we had to create
        self._manifests: dict[Digest, bytes] = {}
        self._top: bytes | None = None
        self._done = False

    def _stage(self) -> Staging:
        with self._lock:
            if self._done:
                raise Unsupported(f"{self.description} was already committed or aborted")
            if self._staging is None:
                parent = os.path.dirname(self.target)
                self._created_parent = _first_missing(parent)
                try:
                    prefix = f".{os.path.basename(self.target)[:100]}.estiba-tmp-"
                    self._staging = Staging(parent, prefix=prefix)
                except OSError as exc:
                    raise EstibaError(f"cannot create a directory next to {self.description}: {_why(exc)}") \
                        from None
            return self._staging

    def has_blob(self, digest: Digest) -> bool:
        return self._staging is not None and self._staging.has(Digest(str(digest)))

    def blob_size(self, digest: Digest) -> int:
        """Size of a blob already written (the pipeline asks when it skips one); -1 when absent."""
        if self._staging is None:
            return -1
        try:
            return os.path.getsize(self._staging.path(Digest(str(digest))))
        except OSError:
            return -1

    def put_blob_file(self, path: str, offset: int, size: int, digest: Digest, on_bytes: OnBytes = None) -> bool:
        staging = self._stage()
        digest = Digest(str(digest))
        staging.put_file(path, offset, size, digest)  # a hard link when it can
        target = staging.path(digest)
        if os.stat(target).st_nlink == 1:  # copied, not linked: a link keeps its source's mode, untouched
            os.chmod(target, FILE_MODE)
        return True

    def blob_writer(self) -> BlobWriter:
        return self._stage().writer()  # StagedWriter makes the blob 0644, as c/image writes dir: blobs

    def put_manifest(self, raw: bytes) -> None:
        self._stage()
        self._manifests[sha256_digest(raw)] = raw

    def add_image(self, top: bytes, names: list[str], config: ImageConfig | None) -> None:
        # dir: stores no names (§1.3): `names` is ignored.
        if self._top is not None:
            raise Unsupported(f"{self.description} holds one image; it cannot take a second one")
        self._stage()
        self._top = top

    def commit(self) -> None:
        if self._top is None:
            raise InvalidInput(f"no image was written to {self.description}; nothing to commit")
        staging = self._stage()
        exists = _check_overwrite(self.target, self.description)  # again: it may have changed meanwhile
        try:
            self._write_documents(staging.dir)
            os.chmod(staging.dir, DIR_MODE)
            self._swap(staging.dir, exists)
        except OSError as exc:
            raise EstibaError(f"cannot write {self.description}: {_why(exc)}") from None
        with self._lock:
            self._done = True
            self._staging = None

    def _write_documents(self, where: str) -> None:
        top_digest = sha256_digest(self._top or b"")
        for digest, raw in self._manifests.items():
            if digest != top_digest:
                _write_file(os.path.join(where, digest.hex + CHILD_SUFFIX), raw)
        _write_file(os.path.join(where, MANIFEST_FILE), self._top or b"")
        _write_file(os.path.join(where, VERSION_FILE), VERSION_1_1)

    def _swap(self, new: str, exists: bool) -> None:
        if not exists:
            os.rename(new, self.target)
            return
        aside = new + "-old"
        os.rename(self.target, aside)
        try:
            os.rename(new, self.target)
        except OSError:
            os.rename(aside, self.target)
            raise
        shutil.rmtree(aside, ignore_errors=True)

    def abort(self) -> None:
        with self._lock:
            if self._done:
                return
            self._done = True
            staging, self._staging = self._staging, None
        if staging is not None:
            staging.cleanup()
        if self._created_parent is not None:
            _remove_empty_dirs(os.path.dirname(self.target), self._created_parent)


def _first_missing(path: str) -> str | None:
    """The topmost ancestor of `path` (itself included) that does not exist yet."""
    missing = None
    while not os.path.exists(path):
        missing = path
        parent = os.path.dirname(path)
        if parent == path:
            break
        path = parent
    return missing


def _remove_empty_dirs(path: str, top: str) -> None:
    """rmdir `path` and its parents up to `top`, stopping at the first that is not empty."""
    while True:
        try:
            os.rmdir(path)
        except OSError:
            return
        if path == top:
            return
        path = os.path.dirname(path)
