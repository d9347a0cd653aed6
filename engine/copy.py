"""The one copy pipeline: read an image from a Source, convert it, verify every byte, write it to a
Destination. It is the only place that decides conversions (manifest family, layer compression,
platform selection). Layers are transferred in parallel; each is read exactly once.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from engine import compression, media
from engine import platform as platforms
from engine.blobinfo import BlobInfoCache
from engine.chunks import Discard, checking_cancel, copy_stream, hash_range
from engine.contract import CopiedImage, Destination, Source, SourceImage
from engine.digest import Digest, HashingReader, HashingWriter, check, sha256_digest
from engine.errors import Cancelled, DigestMismatch, EstibaError, Hint, InvalidInput, Unsupported
from engine.layer_reuse import already_there, place_compressed, target_kind
from engine.layersizes import planned_sizes
from engine.malloc import release_free_memory
from engine.manifest import (
    MAX_CONFIG_BYTES,
    MAX_MANIFEST_BYTES,
    Descriptor,
    ImageConfig,
    ImageManifest,
    Index,
    build_index,
    build_manifest,
    converted_config,
    parse,
)
from engine.options import DEFAULT_PARALLEL
from engine.platform import Platform
from engine.progress import Progress
from engine.tarindex import looks_like_tar
from engine.upload_count import AcceptedBytes


@dataclass
class CopyOptions:
    platform: Platform | None = None  # None: the host's
    all_platforms: bool = False
    parallel: int = DEFAULT_PARALLEL
    names: list[str] | None = None  # replace the names the source gives
    progress: Progress = field(default_factory=Progress)
    blob_info: BlobInfoCache | None = None  # which compressed blob holds which layer (skips recompressing)


def copy(source: Source, dest: Destination, options: CopyOptions | None = None) -> list[CopiedImage]:
    """Copy every image `source` offers into `dest` and commit; on any failure nothing is left behind."""
    opts = options or CopyOptions()
    # A transfer that stops moving waits on the far side: the registry (or other peer) we upload to or read from.
    far = dest if getattr(dest, "uploads", False) else source
    opts.progress.start_watch(getattr(far, "peer", far.description))
    try:
        images = source.images()
        if not images:
            raise InvalidInput(f"{source.description} holds no image")
        if len(images) > 1 and not dest.multi_image:
            raise Unsupported(f"{source.description} holds {len(images)} images but {dest.description} takes one",
                              Hint.NAME_THE_IMAGE)
        results = []
        for img in images:
            try:
                results.append(_Copier(source, dest, opts).copy_image(img))
            except EstibaError as exc:  # of several images, say which one failed
                if len(images) > 1 and img.label and img.label not in str(exc) and not isinstance(exc, Cancelled):
                    exc.args = (f"{img.label}: {exc}", *exc.args[1:])
                raise
        opts.progress.cancel.check()
        dest.commit()
        if opts.blob_info is not None:
            opts.blob_info.save()
        return results
    except BaseException:
        dest.abort()
        raise
    finally:
        opts.progress.stop_watch()


def read_verified(source: Source, desc: Descriptor, what: str, limit: int) -> bytes:
    if desc.size > limit:
        raise InvalidInput(f"{what} {desc.digest[:19]}… is {desc.size} bytes, over the {limit >> 20} MiB limit")
    with source.open_blob(desc) as f:
        data = f.read(limit + 1)
    if len(data) > limit:
        raise InvalidInput(f"{what} {desc.digest[:19]}… is over the {limit >> 20} MiB limit")
    hasher = desc.digest.new_hasher()  # the descriptor's algorithm (sha512 is valid in the image-spec)
    hasher.update(data)
    check(what, desc.digest, desc.size, Digest(f"{desc.digest.algorithm}:{hasher.hexdigest()}"), len(data))
    return data


class _Copier:
    def __init__(self, source: Source, dest: Destination, opts: CopyOptions) -> None:
        self.source = source
        self.dest = dest
        self.opts = opts
        self.progress = opts.progress
        self._done: dict[Digest, Descriptor] = {}
        self._compress_threads = 1
        self._lock = threading.Lock()

    # -- images and indexes -------------------------------------------------------------------------------

    def copy_image(self, img: SourceImage) -> CopiedImage:
        if img.digest is not None:
            check(f"manifest of {img.label or self.source.description}", img.digest, None,
                  sha256_digest(img.manifest), len(img.manifest))
        top = parse(img.manifest, f"manifest of {img.label or self.source.description}")
        names = self.opts.names if self.opts.names is not None else img.names
        offered: list[str] = []
        from_index = isinstance(top, Index)
        if isinstance(top, Index):
            if self.opts.all_platforms:
                return self._copy_index(top, names)
            top, offered = self._select_platform(top)
        # A platform asked for by name is enforced on a single-platform image too (the host's default is not:
        # such an image is taken as it is, and the result says which platform it is).
        want = self.opts.platform if not from_index else None
        manifest, config = self._copy_manifest(top, want, img.label or self.source.description)
        self.dest.add_image(manifest.raw, names, config)
        return CopiedImage(manifest.digest, config.digest, list(names), manifest.raw, config,
                           [str(config.platform)], offered)

    def _select_platform(self, index: Index) -> tuple[ImageManifest, list[str]]:
        """The index's image for the wanted platform, and every platform the index offers."""
        want = self.opts.platform or platforms.host()
        children = [d for d in index.manifests if d.media_type in media.MANIFEST_TYPES or not d.media_type]
        chosen = platforms.choose([d.platform for d in children], want)
        offered = [str(d.platform) for d in children if d.platform and d.platform.os != "unknown"]
        if chosen is None:
            shown = platforms.offered([d.platform for d in children], len(index.manifests))
            raise platforms.PlatformNotFound(self.source.description, want, offered, shown)
        child = self._child_manifest(children[chosen])
        if not isinstance(child, ImageManifest):
            raise Unsupported("nested indexes are not supported")
        if not self.dest.accepts_index and len(children) > 1:  # say so: the other platforms stay behind
            self.progress.message(f"{self.source.description} is a multi-platform image; {self.dest.description} "
                                  f"takes one platform: copying {children[chosen].platform or want}")
        return child, offered

    def _child_manifest(self, desc: Descriptor) -> ImageManifest | Index:
        if desc.size > MAX_MANIFEST_BYTES:
            raise InvalidInput(f"manifest {desc.digest[:19]}… is {desc.size} bytes, over the limit")
        raw = self.source.get_manifest(desc.digest, desc.size)
        check("manifest", desc.digest, desc.size, sha256_digest(raw), len(raw))
        return parse(raw, f"manifest {desc.digest[:19]}…")

    def _copy_index(self, index: Index, names: list[str]) -> CopiedImage:
        if not self.dest.accepts_index:
            raise Unsupported(f"{self.dest.description} cannot hold a multi-platform image", Hint.ONE_PLATFORM)
        fam = index.family if index.family in self.dest.families else self.dest.families[0]
        new_children: list[Descriptor] = []
        configs: list[ImageConfig] = []
        changed = fam != index.family
        for desc in index.manifests:
            if desc.platform is not None and desc.platform.os == "unknown":
                changed = True  # attestation manifests (buildkit) are not images: left out
                continue
            child = self._child_manifest(desc)
            if not isinstance(child, ImageManifest):
                raise Unsupported("nested indexes are not supported")
            manifest, config = self._copy_manifest(child)
            configs.append(config)
            new = Descriptor(manifest.media_type, manifest.digest, len(manifest.raw), desc.annotations,
                             desc.platform, desc.platform_json)
            changed = changed or new.digest != desc.digest
            new_children.append(new)
        if not new_children:
            raise InvalidInput(f"the index in {self.source.description} lists no image")
        raw = index.raw
        if changed:
            raw = build_index(fam, new_children, index.annotations).raw
        self.dest.put_manifest(raw)
        self.dest.add_image(raw, names, None)
        return CopiedImage(sha256_digest(raw), sha256_digest(raw), list(names), raw, None,
                           [str(c.platform) for c in configs])

    def _copy_manifest(self, manifest: ImageManifest, want: Platform | None = None,
                       what: str = "") -> tuple[ImageManifest, ImageConfig]:
        if manifest.config.media_type not in media.CONFIG_TYPES:
            raise Unsupported(f"config type {manifest.config.media_type!r}: this is an OCI artifact, "
                              "not a container image")
        config = ImageConfig.parse(read_verified(self.source, manifest.config, "image config", MAX_CONFIG_BYTES))
        if want is not None and platforms.choose([config.platform], want) is None:
            raise platforms.PlatformNotFound(what or self.source.description, want, [str(config.platform)])
        diff_ids = config.diff_ids
        if len(diff_ids) != len(manifest.layers):
            raise InvalidInput(f"the image config lists {len(diff_ids)} layers but the manifest has "
                               f"{len(manifest.layers)}: the image is inconsistent")
        for layer in manifest.layers:
            media.check_layer_type(layer.media_type)
        fam = manifest.family if manifest.family in self.dest.families else self.dest.families[0]

        sizes: list[int | None] = [None] * len(diff_ids)
        if self.dest.plans_layout:
            sizes = planned_sizes(self.source, manifest.layers, self.opts.blob_info, self.progress.cancel,
                                  self.opts.parallel)
        self.dest.planned(diff_ids, sizes)
        if self.dest.config_any_time and not self.dest.sequential:
            # Beside the layers: a registry's HEAD, POST and PUT for the config then cost no time at the end.
            with ThreadPoolExecutor(1, thread_name_prefix="estiba-config") as side:
                config_job = side.submit(self._write_config, config)
                config_job.add_done_callback(self._stop_on_failure)
                try:
                    layers = self._transfer_layers(manifest.layers, diff_ids, fam)
                except BaseException as exc:
                    self.progress.cancel.stop()  # the config's upload ends too
                    side.shutdown(wait=True)
                    failure = config_job.exception()
                    if isinstance(exc, Cancelled) and failure is not None and not isinstance(failure, Cancelled):
                        raise failure from None  # the layers stopped because the config failed: say why
                    raise
            config_job.result()
        else:
            layers = self._transfer_layers(manifest.layers, diff_ids, fam)
            self._write_config(config)
        config_desc = converted_config(manifest.config, fam)

        if fam == manifest.family and layers == manifest.layers:
            out = manifest  # unchanged: keep the exact bytes, so the manifest digest survives
        else:
            out = build_manifest(fam, config_desc, layers, manifest.annotations)
        self.dest.put_manifest(out.raw)
        return out, config

    def _write_config(self, config: ImageConfig) -> None:
        if self.dest.has_blob(config.digest):
            return
        w = self.dest.blob_writer()
        try:
            w.write(config.raw)
        except BaseException:
            w.abort()
            raise
        w.commit(config.digest, len(config.raw))

    def _stop_on_failure(self, job) -> None:
        """The config's upload failed: stop the layers quickly (not a cancel: its error is what is reported)."""
        exc = job.exception()
        if exc is not None and not isinstance(exc, Cancelled):
            self.progress.cancel.stop()

    # -- layers -------------------------------------------------------------------------------------------

    def _transfer_layers(self, layers: list[Descriptor], diff_ids: list[Digest], fam: str) -> list[Descriptor]:
        jobs = {}
        for desc, diff_id in zip(layers, diff_ids, strict=True):
            jobs.setdefault(desc.digest, (desc, diff_id))
        results: dict[Digest, Descriptor] = {}
        workers = 1 if self.dest.sequential else max(1, min(self.opts.parallel, len(jobs)))
        # Fewer layers than cores (one big layer): let each compression use the idle ones.
        self._compress_threads = max(1, (os.cpu_count() or 1) // workers)
        if workers == 1:
            for digest, (desc, diff_id) in jobs.items():
                results[digest] = self._transfer_layer(desc, diff_id, fam)
        else:
            # Biggest first, so no core idles at the end while a big layer compresses alone (output order unchanged)
            order = sorted(jobs.items(), key=lambda item: -item[1][0].size)
            with ThreadPoolExecutor(workers, thread_name_prefix="estiba-layer") as pool:
                futures = {d: pool.submit(self._transfer_layer, desc, diff_id, fam) for d, (desc, diff_id) in order}
                first_error: BaseException | None = None
                for digest, fut in futures.items():
                    try:
                        results[digest] = fut.result()
                    except BaseException as exc:  # stop the others quickly, report the first real error
                        if first_error is None or (
                            isinstance(first_error, Cancelled) and not isinstance(exc, Cancelled)
                        ):
                            first_error = exc
                        self.progress.cancel.stop()  # not a cancel: the failure is what gets reported
                if first_error is not None:
                    raise first_error
        return [results[d.digest] for d in layers]

    def _transfer_layer(self, desc: Descriptor, diff_id: Digest, fam: str) -> Descriptor:
        self.progress.cancel.check()
        label = desc.digest
        asked: set[Digest] = set()
        there = already_there(self.dest, self.opts.blob_info, self.progress, desc, diff_id, fam,
                              media.label_compression(desc.media_type), asked)
        if there is not None:
            return there
        raw = self.source.open_blob(desc)
        # Streamed to a registry: count what it accepted, not what was read into the writer's chunk.
        counted = AcceptedBytes(self.progress, label, desc.size) if self.dest.uploads else None
        try:
            # The store's blobs were verified when they went in: count them, don't hash them again.
            algorithm = None if self.source.trusted else desc.digest.algorithm
            reader = HashingReader(raw, counted.on_read if counted else self.progress.counter(label, desc.size),
                                   algorithm)
            src_kind, stream = compression.sniffing(reader)
            out_kind = target_kind(self.dest, src_kind, fam)
            out_type = media.layer_type(fam, out_kind)
            # The label lied about the compression: ask again for what the bytes say.
            there = already_there(self.dest, self.opts.blob_info, self.progress, desc, diff_id, fam, src_kind,
                                  asked)
            if there is not None:
                return there
            self.progress.new(label, desc.size)
            if out_kind == src_kind:
                placed = self._place_file(desc, src_kind, diff_id)
                if placed is not None:
                    return Descriptor(out_type, desc.digest, placed)
            elif src_kind == compression.NONE and self.source.trusted and self._compress_threads == 1:
                done = place_compressed(self.source, self.dest, self.opts.blob_info, self.progress, desc, diff_id,
                                        fam, out_kind)
                if done is not None:
                    return done
            result = self._stream_layer(desc, diff_id, reader, stream, src_kind, out_kind, counted)
        except compression.decompress_errors() as exc:
            if isinstance(exc, EstibaError):
                raise
            raise InvalidInput(f"layer {desc.digest[:19]}… is corrupt: cannot decompress it ({exc})") from None
        finally:
            raw.close()
            release_free_memory()
        self.progress.done(label, counted.done_size(result[1]) if counted else desc.size)
        return Descriptor(out_type, result[0], result[1])

    def _place_file(self, desc: Descriptor, kind: str, diff_id: Digest) -> int | None:
        """Link or copy_file_range a blob that needs no conversion. Returns its size, or None."""
        where = self.source.blob_file(desc)
        if where is None:
            return None
        path, offset, size = where
        # One progress count per blob: an upload reports its sending; a local link or copy, the checking.
        uploads = self.dest.uploads
        if not self.source.trusted:
            expected = diff_id if kind == compression.NONE else desc.digest
            counter = checking_cancel(self.progress.cancel) if uploads else self.progress.counter(desc.digest, size)
            hash_range(path, offset, size, desc.digest, desc.size, counter)
            if kind == compression.NONE and expected != desc.digest:
                if not looks_like_tar(path, offset, size):
                    raise InvalidInput(f"layer {desc.digest[:19]}… is neither a tar archive nor gzip/zstd-compressed: "
                                       "the image is corrupt, or not a container image")
                raise DigestMismatch(f"layer {desc.digest[:19]}… is an uncompressed tar, so it must match the "
                                     f"image config's diffID {expected[:19]}…: the image is corrupt")
        # A trusted blob was not counted while hashing: count it as the destination takes it. A local copy checks
        # for a cancel as it goes; an upload body must not be cut mid-request.
        if uploads or self.source.trusted:
            on_bytes = self.progress.counter(desc.digest, size, check_cancel=not uploads)
        else:
            on_bytes = checking_cancel(self.progress.cancel)
        if not self.dest.put_blob_file(path, offset, size, desc.digest, on_bytes=on_bytes):
            return None
        if kind == compression.NONE and self.opts.blob_info is not None:
            self.opts.blob_info.record_size(desc.digest, size)
        self.progress.done(desc.digest, size)
        return size

    def _stream_layer(self, desc: Descriptor, diff_id: Digest, reader: HashingReader, stream, src_kind: str,
                      out_kind: str, counted: AcceptedBytes | None = None) -> tuple[Digest, int]:
        writer = self.dest.layer_writer(diff_id) if out_kind == compression.NONE else self.dest.blob_writer()
        if counted is not None:
            writer = counted.attach(writer)
        dec = None
        try:
            diff_reader: HashingReader | None = None
            if out_kind == src_kind:
                copy_stream(stream, writer)
                out_digest, out_size = None, reader.count
            else:
                plain = stream
                if src_kind != compression.NONE:  # an uncompressed source is hashed once, by `reader`
                    dec = compression.decompressor(stream, src_kind)
                    known = self._unpacks_to_known(desc, diff_id, src_kind)
                    plain = diff_reader = HashingReader(dec, algorithm=None if known else "sha256")
                if out_kind == compression.NONE:
                    copy_stream(plain, writer)
                    out_digest, out_size = self._diff_of(diff_reader, diff_id), diff_reader.count
                else:
                    hashed = HashingWriter(writer)
                    comp = compression.compressor(hashed, out_kind, threads=self._compress_threads)
                    copy_stream(plain, comp)
                    comp.close()
                    out_digest, out_size = hashed.digest(), hashed.count
                copy_stream(stream, Discard())  # read to the end so the source digest can be checked
            if reader.hashing:
                check("layer", desc.digest, desc.size, reader.digest(), reader.count)
            elif reader.count != desc.size:
                raise DigestMismatch(f"layer {desc.digest[:19]}… is {reader.count} bytes, but its descriptor "
                                     f"says {desc.size}: the store is damaged", Hint.CHECK_STORE)
            if src_kind == compression.NONE and diff_reader is None:
                actual_diff = reader.digest() if reader.hashing else diff_id
            else:
                actual_diff = self._diff_of(diff_reader, diff_id) if diff_reader else None
            if actual_diff is not None and actual_diff != diff_id:
                raise DigestMismatch(f"layer {desc.digest[:19]}… unpacks to diffID {actual_diff[:19]}…, but the "
                                     f"image config says {diff_id[:19]}…: the image is corrupt")
            digest = out_digest if out_digest is not None else desc.digest
            writer.commit(digest, out_size)
            self._learn(diff_id, desc, src_kind, out_kind, actual_diff, digest, out_size)
            return digest, out_size
        except BaseException:
            writer.abort()
            raise
        finally:
            if dec is not None and dec is not stream:
                dec.close()  # joins isal's reader thread


    def _unpacks_to_known(self, desc: Descriptor, diff_id: Digest, src_kind: str) -> bool:
        """Whether unpacking `desc` need not be hashed: its compressed bytes come from a trusted source (the store
        re-checks a blob whose file changed, store_verify.py) and this pipeline already verified once that they
        unpack to `diff_id` (blobinfo.py records only what it verified). Unpacking is deterministic, so hashing
        the same gigabyte again would prove nothing new; it cost a core's second in every docker-archive save."""
        cache = self.opts.blob_info
        return bool(self.source.trusted and cache is not None
                    and cache.compressed(diff_id, src_kind) == (Digest(desc.digest), desc.size))

    @staticmethod
    def _diff_of(diff_reader: HashingReader, diff_id: Digest) -> Digest:
        return diff_reader.digest() if diff_reader.hashing else diff_id  # not hashing: known (see above)

    def _learn(self, diff_id: Digest, desc: Descriptor, src_kind: str, out_kind: str, actual_diff: Digest | None,
               digest: Digest, size: int) -> None:
        """Record the compressed/uncompressed pairs this copy verified (never what a config merely claims)."""
        cache = self.opts.blob_info
        if cache is None or actual_diff != diff_id:
            return
        if out_kind == compression.NONE:
            cache.record_size(desc.digest, size)  # what this verified layer unpacks to
        if src_kind != compression.NONE:
            cache.record(diff_id, src_kind, desc.digest, desc.size)
        if out_kind not in (compression.NONE, src_kind):
            cache.record(diff_id, out_kind, digest, size)
