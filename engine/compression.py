"""Compression: sniff by magic bytes (media types lie), and stream in both directions.

gzip goes through `isal` (several times faster than zlib), zstd through `zstandard`.
"""

from __future__ import annotations

import bz2
import io
import lzma
from typing import BinaryIO

from engine.errors import EstibaError, InvalidInput

GZIP = "gzip"
ZSTD = "zstd"
XZ = "xz"
BZIP2 = "bzip2"
NONE = "none"

_MAGIC = (
    (b"\x1f\x8b\x08", GZIP),
    (b"\x28\xb5\x2f\xfd", ZSTD),
    (b"\xfd7zXZ\x00", XZ),
    (b"BZh", BZIP2),
)
SNIFF_BYTES = 6
CHUNK = 1 << 20

# isal level 1 gives gzip output close in size to Go's default (what skopeo writes) at ~4x zlib's speed.
GZIP_LEVEL = 1
ZSTD_LEVEL = 3

# Decoder memory is chosen by the stream's header, so a hostile stream can ask for a 1 GiB xz dictionary or a
# 2 GiB zstd window. We cap both, keeping a whole load under ~150 MB: xz -9 needs a 64 MiB dictionary, zstd's
# levels up to 19 use windows of at most 8 MiB (only --long or --ultra go beyond 32 MiB).
XZ_MEMLIMIT = 80 << 20
ZSTD_MAX_WINDOW = 32 << 20


def sniff(head: bytes) -> str:
    """The compression of a stream that starts with `head` (at least SNIFF_BYTES long when possible)."""
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    return NONE


class PrefixedReader(io.RawIOBase):
    """`head` followed by the rest of `raw`: lets us sniff a stream without seeking."""

    def __init__(self, head: bytes, raw: BinaryIO) -> None:
        self._head = memoryview(head)
        self._raw = raw

    def readable(self) -> bool:
        return True

    def readinto(self, buf) -> int:
        if self._head:
            n = min(len(buf), len(self._head))
            buf[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        if hasattr(self._raw, "readinto"):
            return self._raw.readinto(buf)
        data = self._raw.read(len(buf))
        buf[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._raw.close()
        super().close()


def read_exactly_up_to(raw: BinaryIO, n: int) -> bytes:
    parts = []
    while n > 0:
        data = raw.read(n)
        if not data:
            break
        parts.append(data)
        n -= len(data)
    return b"".join(parts)


def sniffing(raw: BinaryIO) -> tuple[str, BinaryIO]:
    """Sniff `raw` and return (kind, a reader that still yields every byte)."""
    head = read_exactly_up_to(raw, SNIFF_BYTES)
    return sniff(head), io.BufferedReader(PrefixedReader(head, raw), CHUNK)


def decompressor(raw: BinaryIO, kind: str) -> BinaryIO:
    """A reader of the decompressed bytes of `raw`, compressed with `kind`."""
    if kind == NONE:
        return raw
    if kind == GZIP:
        from isal import igzip_threaded

        # One background thread inflates while the caller hashes and writes.
        # Small blocks keep memory flat with several layers in flight (1 MiB blocks cost ~16 MiB a stream).
        return igzip_threaded.open(raw, "rb", threads=1, block_size=128 * 1024)
    if kind == ZSTD:
        import zstandard

        dctx = zstandard.ZstdDecompressor(max_window_size=ZSTD_MAX_WINDOW)
        return _Limited(dctx.stream_reader(raw, read_across_frames=True, closefd=False))
    if kind == XZ:
        # LZMAFile takes no memlimit; its reader (the stdlib's _compression.DecompressReader) passes one on,
        # and reads concatenated streams as LZMAFile does.
        import _compression

        reader = _compression.DecompressReader(raw, lzma.LZMADecompressor, trailing_error=lzma.LZMAError,
                                               memlimit=XZ_MEMLIMIT)
        return _Limited(io.BufferedReader(reader, CHUNK))
    if kind == BZIP2:
        return bz2.BZ2File(raw, "rb")
    raise InvalidInput(f"unknown compression {kind!r}")


def decompress_into(stream: BinaryIO, kind: str, out: BinaryIO, what: str) -> None:
    """Copy `stream`, decompressed from `kind`, into a temporary file `out`; corrupt data and a full disk are
    one-line errors naming `what`."""
    dec = decompressor(stream, kind)
    errors = decompress_errors()
    try:
        while True:
            try:
                chunk = dec.read(CHUNK)
            except errors as exc:
                if isinstance(exc, DecoderLimit):
                    raise DecoderLimit(f"{what}: {exc}") from None
                if isinstance(exc, EstibaError):
                    raise
                raise InvalidInput(f"{what} is corrupt or truncated: cannot decompress it ({exc})") from None
            if not chunk:
                return
            try:
                out.write(chunk)
            except OSError as exc:
                raise EstibaError(f"cannot decompress {what} to a temporary file ({exc.strerror}); "
                                  "free some space or choose another temp directory") from None
    finally:
        if dec is not stream:
            dec.close()


def compressor(out: BinaryIO, kind: str, *, threads: int = 1) -> BinaryIO:
    """A writer that compresses into `out` (which stays open when the writer is closed)."""
    if kind == GZIP:
        from isal import igzip, igzip_threaded

        if threads > 1:
            return igzip_threaded.open(_NoClose(out), "wb", compresslevel=GZIP_LEVEL, threads=threads)
        return igzip.IGzipFile(fileobj=out, mode="wb", compresslevel=GZIP_LEVEL, mtime=0)
    if kind == ZSTD:
        import zstandard

        cctx = zstandard.ZstdCompressor(level=ZSTD_LEVEL, threads=threads if threads > 1 else 0)
        return cctx.stream_writer(out, closefd=False)
    raise InvalidInput(f"cannot write {kind!r} compression; use gzip, zstd or none")


class DecoderLimit(InvalidInput):
    """A compressed stream asks for more decoder memory than we allow."""


class _Limited(io.RawIOBase):
    """A decoder whose memory-limit failure reads as one line naming the limit (not the library's text)."""

    def __init__(self, dec) -> None:
        self._dec = dec

    def readable(self) -> bool:
        return True

    def readinto(self, buf) -> int:
        try:
            return self._dec.readinto(buf)
        except lzma.LZMAError as exc:
            if "memory" in str(exc).lower():
                raise DecoderLimit(f"the xz stream needs more than {XZ_MEMLIMIT >> 20} MiB of memory to decompress "
                                   "(a very large dictionary); recompress it with xz -9 or less, or with gzip") \
                    from None
            raise
        except Exception as exc:  # zstandard.ZstdError, imported only when zstd is used
            if "too much memory" in str(exc):
                raise DecoderLimit(f"cannot decompress: the zstd stream uses a window over {ZSTD_MAX_WINDOW >> 20} MiB "
                                   "(zstd --long or --ultra); recompress it without them") from None
            raise

    def close(self) -> None:
        self._dec.close()
        super().close()


class _NoClose(io.RawIOBase):
    """Keeps a wrapped writer from closing the file underneath it."""

    def __init__(self, out: BinaryIO) -> None:
        self._out = out

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        return self._out.write(data)

    def flush(self) -> None:
        self._out.flush()

    def close(self) -> None:
        self.flush()
        super().close()


def decompress_errors() -> tuple[type[BaseException], ...]:
    """Exceptions a decompressor raises on corrupt input (so callers can turn them into one line).
    Plain OSError is not among them: a disk error must not be reported as corrupt data."""
    import gzip
    import zlib

    from isal import isal_zlib

    errors: list[type[BaseException]] = [EOFError, gzip.BadGzipFile, zlib.error, isal_zlib.error, lzma.LZMAError,
                                         DecoderLimit]
    try:
        import zstandard

        errors.append(zstandard.ZstdError)
    except ImportError:  # pragma: no cover
        pass
    return tuple(errors)
