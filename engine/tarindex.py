"""Random access to the members of an (untrusted) tar file, read in place by offset.

We never extract an archive: we index member offsets once and read members with os.pread.
Names are normalised (`./` prefixes, `a//b`) and checked: absolute names, `..` components and links
leaving the archive are refused outright, as containers/image refuses them.
"""

from __future__ import annotations

import io
import os
import posixpath
import tarfile
from dataclasses import dataclass

from engine.errors import InvalidInput, NotFound

MAX_MEMBERS = 1_000_000


@dataclass(frozen=True)
class Member:
    name: str
    offset: int  # of the data
    size: int
    kind: str  # "file", "dir", "symlink", "hardlink"
    target: str = ""  # normalised link target, relative to the archive root


def normalise(name: str, what: str) -> str:
    if name.startswith("/"):
        raise InvalidInput(f"{what}: member {name[:120]!r} has an absolute path; refusing the archive")
    clean = posixpath.normpath(name)
    if clean == "." or clean == "":
        return ""
    if clean == ".." or clean.startswith("../") or "\x00" in clean:
        raise InvalidInput(f"{what}: member {name[:120]!r} points outside the archive; refusing the archive")
    return clean


class TarIndex:
    """Index of a tar file on disk (uncompressed). Thread-safe reads through os.pread."""

    def __init__(self, path: str, what: str | None = None) -> None:
        self.path = path
        self.what = what or path
        self.members: dict[str, Member] = {}
        self._fd = os.open(path, os.O_RDONLY)
        try:
            self._scan()
        except BaseException:
            os.close(self._fd)
            raise

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __enter__(self) -> TarIndex:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _scan(self) -> None:
        size = os.fstat(self._fd).st_size
        if size == 0:
            raise InvalidInput(f"{self.what} is an empty file, not an image archive")
        with open(self.path, "rb") as f:
            try:
                end = 0
                with tarfile.open(fileobj=f, mode="r:") as tf:
                    for count, info in enumerate(tf, 1):
                        if count > MAX_MEMBERS:
                            raise InvalidInput(f"{self.what} has more than {MAX_MEMBERS} members; refusing it")
                        self._add(info)
                        end = info.offset_data + (((info.size + 511) // 512) * 512 if info.isreg() else 0)
            except tarfile.ReadError as exc:
                if "unexpected end" in str(exc):
                    raise InvalidInput(f"{self.what} is truncated: a member's data runs past the end of the file") \
                        from None
                raise InvalidInput(f"{self.what} is not a tar archive ({exc})") from None
            except (tarfile.TarError, UnicodeDecodeError, ValueError) as exc:
                raise InvalidInput(f"{self.what} is a corrupt tar archive ({exc})") from None
        for m in self.members.values():
            if m.kind == "file" and m.offset + m.size > size:
                raise InvalidInput(f"{self.what} is truncated: member {m.name!r} runs past the end of the file")
        # After the last member there may be EOF blocks (or none: umoci omits them); anything else is a
        # header cut in the middle.
        tail = os.pread(self._fd, min(size - end, 1 << 16), end) if size > end else b""
        if tail.strip(b"\x00"):
            raise InvalidInput(f"{self.what} is truncated or corrupt after member data at offset {end}")

    def _add(self, info: tarfile.TarInfo) -> None:
        name = normalise(info.name, self.what)
        if not name:
            return
        if info.isreg():
            self.members[name] = Member(name, info.offset_data, info.size, "file")
        elif info.isdir():
            self.members[name] = Member(name, 0, 0, "dir")
        elif info.issym():
            if info.linkname.startswith("/"):
                raise InvalidInput(f"{self.what}: symlink {name!r} points to an absolute path; refusing the archive")
            target = normalise(posixpath.join(posixpath.dirname(name), info.linkname), self.what)
            self.members[name] = Member(name, 0, 0, "symlink", target)
        elif info.islnk():
            self.members[name] = Member(name, 0, 0, "hardlink", normalise(info.linkname, self.what))
        else:
            raise InvalidInput(f"{self.what}: member {name!r} is a device or FIFO; refusing the archive")

    def resolve(self, name: str) -> Member:
        """The regular-file member behind `name`, following one link hop as containers/image does."""
        member = self.members.get(normalise(name, self.what))
        if member is None:
            raise NotFound(f"{self.what} has no member {name!r}: the archive is incomplete")
        if member.kind in ("symlink", "hardlink"):
            target = self.members.get(member.target)
            if target is None or target.kind != "file":
                raise InvalidInput(f"{self.what}: link {member.name!r} does not lead to a file in the archive")
            return target
        if member.kind != "file":
            raise InvalidInput(f"{self.what}: {member.name!r} is not a file")
        return member

    def has(self, name: str) -> bool:
        try:
            return normalise(name, self.what) in self.members
        except InvalidInput:
            return False

    def read(self, name: str, limit: int) -> bytes:
        m = self.resolve(name)
        if m.size > limit:
            raise InvalidInput(f"{self.what}: {name} is {m.size} bytes, over the {limit >> 20} MiB limit")
        return os.pread(self._fd, m.size, m.offset)

    def open(self, name: str) -> io.BufferedReader:
        m = self.resolve(name)
        return io.BufferedReader(RangeReader(self._fd, m.offset, m.size), 1 << 20)


class RangeReader(io.RawIOBase):
    """Reads bytes [offset, offset+size) of an open file descriptor with pread: threads may share the file.
    `owner`, when given, is the file object the descriptor belongs to, closed with this reader."""

    def __init__(self, fd: int, offset: int, size: int, owner=None) -> None:
        self._fd = fd
        self._pos = offset
        self._end = offset + size
        self._owner = owner

    def readable(self) -> bool:
        return True

    def readinto(self, buf) -> int:
        n = min(len(buf), self._end - self._pos)
        if n <= 0:
            return 0
        got = os.preadv(self._fd, [memoryview(buf)[:n]], self._pos)
        if got == 0:
            raise InvalidInput("the archive was truncated while it was being read")
        self._pos += got
        return got

    def close(self) -> None:
        if self._owner is not None:
            self._owner.close()
        super().close()
