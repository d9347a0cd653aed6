"""`transport:path[:ref]` strings <-> Locations, format detection for `load`, and opening sources and
destinations. Syntax as containers-transports(5): the path of an archive or layout ends at the first `:`.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass

from engine import compression
from engine.contract import Destination, Source
from engine.errors import InvalidInput, NotFound, Unsupported
from engine.progress import Progress
from engine.spool import uncompressed_copy
from engine.tarindex import TarIndex

DOCKER_ARCHIVE, OCI_ARCHIVE, OCI, DIR, DOCKER, STORE = "docker-archive", "oci-archive", "oci", "dir", "docker", "store"
FILE_TRANSPORTS = (DOCKER_ARCHIVE, OCI_ARCHIVE, OCI, DIR)

# `save --format` names (podman's) -> transports
SAVE_FORMATS = {"docker-archive": DOCKER_ARCHIVE, "oci-archive": OCI_ARCHIVE, "oci-dir": OCI, "docker-dir": DIR}


@dataclass(frozen=True)
class Location:
    transport: str
    path: str  # a file or directory; for docker: the reference; for store: the image name
    ref: str | None = None

    def __str__(self) -> str:
        if self.transport == DOCKER:
            return f"docker://{self.path}"
        if self.transport == STORE:
            return self.path
        return f"{self.transport}:{self.path}" + (f":{self.ref}" if self.ref else "")


def parse_location(text: str) -> Location | None:
    """A Location for `transport:...` text; None when the text names no transport (a store image)."""
    if text.startswith("docker://"):
        return Location(DOCKER, text[len("docker://"):])
    for transport in (DOCKER_ARCHIVE, OCI_ARCHIVE, OCI, DIR):
        prefix = transport + ":"
        if text.startswith(prefix):
            rest = text[len(prefix):]
            if transport == DIR:
                path, ref = rest, None
            else:
                path, _, ref_text = rest.partition(":")
                ref = ref_text or None
            if not path:
                raise InvalidInput(f"{text!r} names no path; write {transport}:PATH")
            return Location(transport, path, ref)
    for other in ("containers-storage:", "docker-daemon:", "ostree:", "sif:"):
        if text.startswith(other):
            raise Unsupported(f"the {other.rstrip(':')} transport is not supported; use docker-archive:, "
                              "oci-archive:, oci:, dir: or docker://")
    return None


def detect(path: str, tmpdir: str | None = None, progress: Progress | None = None) -> tuple[Location, str | None]:
    """What `load -i path` should read, as podman tries: an OCI layout dir, a dir: dir, an oci-archive or a
    docker-archive (compressed as a whole or not). Returns the location and a temporary uncompressed copy
    to delete afterwards (or None)."""
    from engine.formats import directory, oci_layout

    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise NotFound(f"{path}: no such file or directory") from None
    if stat.S_ISDIR(st.st_mode):
        if oci_layout.is_oci_layout_dir(path):
            return Location(OCI, path), None
        if directory.is_dir_transport(path):
            return Location(DIR, path), None
        raise InvalidInput(f"{path} is a directory but neither an OCI layout (index.json, oci-layout) nor a "
                           "dir: image (version, manifest.json)")
    tar_path, temp = uncompressed_copy(path, tmpdir, progress=progress)
    try:
        with TarIndex(tar_path, what=path) as index:
            if index.has("manifest.json"):
                return Location(DOCKER_ARCHIVE, tar_path), temp
            if index.has("index.json") or index.has("oci-layout"):
                return Location(OCI_ARCHIVE, tar_path), temp
    except BaseException:
        if temp:
            os.unlink(temp)
        raise
    if temp:
        os.unlink(temp)
    raise InvalidInput(f"{path} is a tar archive but not an image: it has neither manifest.json (docker-archive) "
                       "nor index.json (oci-archive)")


class _TempOwner(Source):
    """A source that deletes a temporary file when it is closed."""

    def __init__(self, inner: Source, temp: str | None, description: str) -> None:
        self.inner = inner
        self.temp = temp
        self.description = description
        inner.description = description
        self.trusted = inner.trusted

    def images(self):
        return self.inner.images()

    def get_manifest(self, digest, size):
        return self.inner.get_manifest(digest, size)

    def open_blob(self, desc):
        return self.inner.open_blob(desc)

    def blob_file(self, desc):
        return self.inner.blob_file(desc)

    def layer_size(self, desc):
        return self.inner.layer_size(desc)

    def close(self) -> None:
        try:
            self.inner.close()
        finally:
            if self.temp:
                try:
                    os.unlink(self.temp)
                except FileNotFoundError:
                    pass


def open_source(loc: Location, *, tmpdir: str | None = None, tls_verify: bool | None = None, retry_times: int = 3,
                credentials: tuple[str, str] | None = None, authfile: str | None = None, cancel=None) -> Source:
    """A source for a file location (the store and registries are opened by their own modules). Each format
    module is imported when used: a pull from a registry needs none of them (start-up time)."""
    if loc.transport in (DOCKER_ARCHIVE, OCI_ARCHIVE):
        if not os.path.exists(loc.path):
            raise NotFound(f"{loc.path}: no such file")
        if os.path.isdir(loc.path):
            raise InvalidInput(f"{loc.path} is a directory, not a {loc.transport}; use oci:{loc.path} or dir:")
        # A whole-archive decompression hears a cancel (its progress is reported only by load, through detect).
        tar_path, temp = uncompressed_copy(loc.path, tmpdir, progress=Progress(None, cancel) if cancel else None)
        try:
            if loc.transport == DOCKER_ARCHIVE:
                from engine.formats import docker_archive

                inner = docker_archive.open_source(tar_path, loc.ref, tmpdir=tmpdir)
            else:
                from engine.formats import oci_layout

                inner = oci_layout.open_archive_source(tar_path, loc.ref, tmpdir=tmpdir)
        except BaseException:
            if temp:
                os.unlink(temp)
            raise
        return _TempOwner(inner, temp, str(loc))
    if loc.transport in (OCI, DIR):
        if not os.path.isdir(loc.path):
            raise NotFound(f"{loc.path}: no such directory")
        if loc.transport == OCI:
            from engine.formats import oci_layout

            inner = oci_layout.open_layout_source(loc.path, loc.ref)
        else:
            from engine.formats import directory

            inner = directory.open_source(loc.path)
        inner.description = str(loc)
        return inner
    if loc.transport == DOCKER:
        from engine import registry

        src = registry.open_source(loc.path, tls_verify=tls_verify, retry_times=retry_times,
                                   credentials=credentials, authfile=authfile, cancel=cancel)
        src.description = str(loc)
        return src
    raise Unsupported(f"cannot read from {loc}")


def open_destination(loc: Location, *, compress: str | None = None, docker_format: bool = False,
                     manifest_format: str | None = None, tag_only_ref: bool = False, tls_verify: bool | None = None,
                     retry_times: int = 3, credentials: tuple[str, str] | None = None, authfile: str | None = None,
                     parallel_hint: int = 3, tmpdir: str | None = None, cancel=None) -> Destination:
    if compress not in (None, compression.GZIP, compression.ZSTD, compression.NONE):
        raise InvalidInput(f"unknown compression {compress!r}: use gzip, zstd or none")
    parent = os.path.dirname(os.path.abspath(loc.path))
    if loc.transport != DOCKER and not os.path.isdir(parent):
        raise NotFound(f"{parent}: no such directory for the output")
    if loc.transport == DOCKER_ARCHIVE:
        if compress not in (None, compression.NONE):
            raise Unsupported("docker-archive layers are always uncompressed; drop --compress")
        from engine.formats import docker_archive

        dest = docker_archive.open_destination(loc.path, loc.ref, cancel=cancel)
    elif loc.transport == OCI_ARCHIVE:
        from engine.formats import oci_layout

        dest = oci_layout.open_archive_destination(loc.path, loc.ref, compress=compress, tag_only_ref=tag_only_ref,
                                                   cancel=cancel)
    elif loc.transport == OCI:
        from engine.formats import oci_layout

        dest = oci_layout.open_layout_destination(loc.path, loc.ref, compress=compress, tag_only_ref=tag_only_ref)
    elif loc.transport == DIR:
        from engine.formats import directory

        dest = directory.open_destination(loc.path, docker=docker_format, compress=compress)
    elif loc.transport == DOCKER:
        from engine import registry

        dest = registry.open_destination(loc.path, tls_verify=tls_verify, retry_times=retry_times,
                                         credentials=credentials, authfile=authfile, parallel_hint=parallel_hint,
                                         compress=compress, manifest_format=manifest_format, tmpdir=tmpdir,
                                         cancel=cancel)
    else:
        raise Unsupported(f"cannot write to {loc}")
    dest.description = str(loc)
    return dest
