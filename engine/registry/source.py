"""Reading images from a registry: manifests byte-exact with the full Accept list, blobs streamed with redirects
followed, and a broken blob download resumed with a Range request from the offset reached (as containers/image's
bodyReader does), never restarted from zero. Bytes are returned unverified: the copy pipeline checks them."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

from engine import media
from engine.contract import Source, SourceImage
from engine.digest import Digest, sha256_digest
from engine.errors import DigestMismatch, InvalidInput, NotFound
from engine.manifest import MAX_MANIFEST_BYTES, Descriptor
from engine.reference import Reference
from engine.registry import inflight, wire
from engine.registry.auth import repo_scope
from engine.registry.client import KNOWN_BLOBS, RegistryClient, TransportError, exception_reason
from engine.registry.errors import RegistryError, describe

_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")
DISCARD_CHUNK = 1 << 20


class RegistrySource(Source):
    def __init__(self, client: RegistryClient, ref: Reference) -> None:
        self.client = client
        self.ref = ref
        self.repo = ref.path
        self.scopes = (repo_scope(self.repo, "pull"),)
        self.description = f"docker://{ref}"
        self.peer = f"registry {client.registry}"  # what a stalled transfer waits for

    @property
    def where(self) -> str:
        return f"{self.client.registry}/{self.repo}"

    def images(self) -> list[SourceImage]:
        target = self.ref.digest or self.ref.tag or "latest"
        raw, header_digest = self._fetch_manifest(target)
        if self.ref.digest:
            digest: Digest | None = Digest(self.ref.digest)  # the pipeline checks the bytes against it
        elif header_digest:
            digest = Digest(header_digest) if header_digest.startswith("sha256:") else None
            if digest is not None and digest != sha256_digest(raw):
                raise DigestMismatch(f"the manifest of {self.where}:{target} hashes to {sha256_digest(raw)[:19]}…, "
                                     f"but the registry says {digest[:19]}…: refusing it")
        else:
            digest = None
        names = [self.ref.tagged] if self.ref.tag and not self.ref.digest else []
        return [SourceImage(raw, digest, names, f"{self.where}:{target}" if not self.ref.digest else
                            f"{self.where}@{target}")]

    def get_manifest(self, digest: Digest, size: int) -> bytes:
        return self._fetch_manifest(Digest(digest))[0]

    def _fetch_manifest(self, target: str) -> tuple[bytes, str | None]:
        what = f"reading manifest {target[:19]} from {self.where}"
        resp = self.client.request("GET", self.client.url(f"/v2/{self.repo}/manifests/{target}"), what=what,
                                   scopes=self.scopes, headers={"Accept": ", ".join(media.ACCEPT)}, stream=True)
        with resp:
            if resp.status_code == 404:
                shown = f"{self.where}@{target}" if ":" in target else f"{self.where}:{target}"
                raise NotFound(f"{shown}: manifest unknown (no such image or tag)")
            if resp.status_code != 200:
                raise RegistryError(f"{what}: {describe(resp)}")
            try:
                raw = resp.read(MAX_MANIFEST_BYTES + 1)
            except wire.BodyFailure as exc:
                raise TransportError(f"{what}: {exception_reason(exc)}") from None
        if len(raw) > MAX_MANIFEST_BYTES:
            raise InvalidInput(f"the manifest {self.where}:{target} is over the {MAX_MANIFEST_BYTES >> 20} MiB "
                               "limit; refusing it")
        return raw, resp.headers.get("Docker-Content-Digest")

    def open_blob(self, desc: Descriptor):
        return BlobStream(self, desc)

    def close(self) -> None:
        self.client.close()


class BlobStream(io.RawIOBase):
    """GET /blobs/<digest>, resuming with `Range: bytes=N-` after a cut. A 206 must start at N; a 200 (the
    server ignored Range) is skipped forward to N. Gives up after retry_times failures without progress."""

    def __init__(self, source: RegistrySource, desc: Descriptor) -> None:
        super().__init__()
        self._src = source
        self._desc = desc
        self._client = source.client
        self._url = self._client.url(f"/v2/{source.repo}/blobs/{Digest(desc.digest)}")
        self._what = f"reading blob {desc.digest[:19]}… from {source.where}"
        self.offset = 0
        self._failures = 0
        self._resp = None
        self._forget: Callable[[], None] | None = None
        self._open()
        KNOWN_BLOBS.record(desc.digest, self._client.host, source.repo)

    def _open(self) -> None:
        headers = {"Range": f"bytes={self.offset}-"} if self.offset else {}
        resp = self._client.request("GET", self._url, what=self._what, scopes=self._src.scopes,
                                    headers=headers, stream=True)
        if resp.status_code == 404:
            resp.close()
            raise NotFound(f"blob {self._desc.digest[:19]}… is missing from {self._src.where}")
        if resp.status_code == 206 and self.offset:
            m = _CONTENT_RANGE.fullmatch(resp.headers.get("Content-Range", "").strip())
            if not m or int(m.group(1)) != self.offset:
                resp.close()
                raise RegistryError(f"{self._what}: asked to resume at byte {self.offset} but the registry sent "
                                    f"{resp.headers.get('Content-Range')!r}")
        elif resp.status_code == 200 and self.offset:
            self._skip(resp, self.offset)  # Range ignored: the body starts from zero again
        elif resp.status_code != 200:
            text = describe(resp)
            resp.close()
            raise RegistryError(f"{self._what}: {text}")
        self._resp = resp
        if self._client.cancel is not None:
            # A stalled body blocks in recv(): shutting the socket down is what wakes it on cancel.
            self._forget = self._client.cancel.on_cancel(lambda: inflight.shut_down(inflight.response_socket(resp)))

    def _skip(self, resp, n: int) -> None:
        while n:
            data = resp.read(min(n, DISCARD_CHUNK))
            if not data:
                raise wire.WireError("body ended while skipping to the resume offset")
            n -= len(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buf) -> int:
        size = self._desc.size
        while True:
            try:
                if self._resp is None:
                    self._open()
                if 0 <= size <= self.offset:
                    self._at_end()
                    return 0
                # Never more than the descriptor declares: a body that does not end is not read on.
                want = len(buf) if size < 0 else min(len(buf), size - self.offset)
                n = self._resp.readinto(memoryview(buf)[:want])
                if not n and 0 <= self.offset < size:
                    raise wire.WireError(f"body ended at byte {self.offset} of {size}")
            except (*wire.BodyFailure, wire.WireError, TransportError) as exc:
                self._reconnect(exc)
                continue
            self.offset += n
            if n:
                self._failures = 0
            return n

    def _at_end(self) -> None:
        """At the declared size: the body must end here (one byte more is an error, not more data)."""
        if self._resp is None or self._resp.length_remaining == 0:
            return
        try:
            extra = self._resp.read(1)
        except wire.BodyFailure:
            return  # cut right after the last byte: every byte we wanted arrived
        if extra:
            self._drop()
            raise DigestMismatch(f"{self._what}: the registry sends more than the {self._desc.size} bytes the "
                                 "manifest declares; refusing it")

    def _reconnect(self, exc: BaseException) -> None:
        self._drop()
        if self._client.cancel is not None:
            self._client.cancel.check()
        self._failures += 1
        if self._failures > self._client.retry_times:
            raise TransportError(f"{self._what}: {exception_reason(exc)} at byte {self.offset} "
                                 f"(after {self._failures} attempts)") from None
        self._client.wait_before_retry(self._failures - 1)

    def _drop(self) -> None:
        if self._forget is not None:
            self._forget()
            self._forget = None
        if self._resp is not None:
            self._resp.close()
            self._resp = None

    def close(self) -> None:
        self._drop()
        super().close()
