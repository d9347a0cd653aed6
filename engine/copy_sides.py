"""`copy` with skopeo's per-side options: the source and the destination each have their own registry access
(--src-creds / --dest-creds, --src-tls-verify / --dest-tls-verify), and --preserve-digests refuses any copy that
would change a manifest digest before anything is committed (containers/image copy.Options.PreserveDigests)."""

from __future__ import annotations

from engine import transports
from engine.contract import CopiedImage, Destination, ForwardingDestination, Source
from engine.copy import CopyOptions, copy
from engine.digest import sha256_digest
from engine.errors import InvalidInput, Unsupported
from engine.options import TransferOptions
from engine.progress import Progress
from engine.store import Store


class _Preserving(ForwardingDestination):
    """Passes everything to `inner`, but refuses a top manifest the source did not offer byte for byte."""

    def __init__(self, inner: Destination, source: _Recording) -> None:
        super().__init__(inner)
        self.source = source

    def put_manifest(self, raw: bytes) -> None:
        self._check(raw)
        self.inner.put_manifest(raw)

    def add_image(self, top, names, config) -> None:
        self._check(top)
        self.inner.add_image(top, names, config)

    def _check(self, raw: bytes) -> None:
        digest = sha256_digest(raw)
        if digest not in self.source.offered:
            raise Unsupported(f"keeping the digests: copying to {self.inner.description} would change a manifest "
                              f"(to {digest[:19]}…: a format or compression conversion); nothing was written")



class _Recording(Source):
    """Remembers the digest of every manifest the source hands out."""

    def __init__(self, inner: Source) -> None:
        self.inner = inner
        self.offered: set[str] = set()
        self.description = inner.description
        self.trusted = inner.trusted

    def images(self):
        images = self.inner.images()
        self.offered.update(sha256_digest(img.manifest) for img in images)
        return images

    def get_manifest(self, digest, size):
        raw = self.inner.get_manifest(digest, size)
        self.offered.add(sha256_digest(raw))
        return raw

    def open_blob(self, desc):
        return self.inner.open_blob(desc)

    def blob_file(self, desc):
        return self.inner.blob_file(desc)

    def layer_size(self, desc):
        return self.inner.layer_size(desc)

    def compressed_file(self, desc, kind):
        return self.inner.compressed_file(desc, kind)

    def close(self) -> None:
        self.inner.close()


def copy_with_sides(store: Store, source_text: str, dest_text: str, src_opts: TransferOptions,
                    dest_opts: TransferOptions, progress: Progress | None = None, *,
                    preserve_digests: bool = False) -> list[CopiedImage]:
    """`copy SOURCE DESTINATION` where each side is reached with its own options; a bare name is the store.
    Platform, parallelism and conversions come from dest_opts. preserve_digests: refuse (before anything is
    committed) a copy that would change any manifest."""
    progress = progress or Progress()
    if preserve_digests and (dest_opts.manifest_format or dest_opts.compress not in (None, "none")):
        raise InvalidInput("keeping the digests rules out a manifest format or compression change")
    src_loc = transports.locate(source_text, transports.STORE)
    dst_loc = transports.locate(dest_text, transports.STORE)
    reading = transports.Opening(src_opts, store.tmp_dir, progress.cancel, store, progress)
    source = transports.open_source(src_loc, transports.for_destination(reading, dst_loc, dest_opts))
    recording = _Recording(source)
    with recording:
        dest = transports.open_destination(dst_loc, transports.Opening(dest_opts, store.tmp_dir, progress.cancel,
                                                                       store))
        if preserve_digests:
            dest = _Preserving(dest, recording)
        return copy(recording, dest, CopyOptions(dest_opts.platform, dest_opts.all_platforms, dest_opts.parallel,
                                                 None, progress, store.blob_info()))
