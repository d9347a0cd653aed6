"""Moving and hashing bytes in chunks for the copy pipeline (engine/copy.py): one reused buffer per stream,
file ranges hashed with pread, freed memory handed back to the system as it goes."""

from __future__ import annotations

import os

from engine.digest import Digest, check
from engine.malloc import release_free_memory

CHUNK = 1 << 20
TRIM_EVERY = 64  # chunks: freed buffers of the decompressor/compressor threads go back to the system this often


def checking_cancel(token):
    """A byte counter that only checks for a cancel (the bytes are counted elsewhere)."""

    def on_bytes(n: int) -> None:
        token.check()

    return on_bytes


def hash_range(path: str, offset: int, size: int, digest: Digest, expected_size: int, on_bytes) -> None:
    """Check bytes [offset, offset+size) of a file against digest and expected_size (DigestMismatch)."""
    hasher = digest.new_hasher()
    fd = os.open(path, os.O_RDONLY)
    try:
        pos, end = offset, offset + size
        while pos < end:
            data = os.pread(fd, min(4 * CHUNK, end - pos), pos)
            if not data:
                break
            hasher.update(data)
            pos += len(data)
            on_bytes(len(data))
    finally:
        os.close(fd)
    check("blob", digest, expected_size, Digest(f"{digest.algorithm}:{hasher.hexdigest()}"),
          pos - offset)


def copy_stream(src, dst) -> None:
    """src -> dst through one reused buffer: a fresh 1 MiB bytes object per chunk, freed on other threads,
    fragments glibc's arenas (resident size grew with layer size). Every writer here copies what it is given
    or consumes it before returning."""
    readinto = src.readinto
    view = memoryview(bytearray(CHUNK))
    chunks = 0
    while n := readinto(view):
        dst.write(view[:n])
        chunks += 1
        if chunks % TRIM_EVERY == 0:
            release_free_memory()


class Discard:
    """A writer that drops what it is given (reading a stream to its end)."""

    def write(self, data) -> int:
        return len(data)
