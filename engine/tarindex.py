"""Random access to the members of an (untrusted) tar file, read in place by offset.

We never extract an archive: we index member offsets once and read members with os.pread.
Names are normalised (`./` prefixes, `a//b`) and checked: absolute names, `..` components and links
leaving the archive are refused outright, as containers/image refuses them.

The index stays small whatever the archive: one tuple per member, at most MAX_MEMBERS members, names of
at most MAX_NAME bytes (tarfile's own member list is dropped as we go). A name that occurs twice is taken
from its first member, as containers/image's docker-archive reader does (docker/internal/tarfile/reader.go
findTarComponent); an oci-archive, which c/image extracts (the later member overwrites), asks for the last.
GNU and PAX sparse members (Go's archive/tar reads all three formats) are read with their holes as zeros.
"""

from __future__ import annotations

import io
import os
import posixpath
import tarfile
from dataclasses import dataclass

from engine.errors import InvalidInput, NotFound

MAX_MEMBERS = 100_000  # an image archive has a few per layer; 100,000 headers take ~3 s to index
MAX_NAME = 4096  # PATH_MAX: a PAX or GNU long name may claim megabytes

# Compact record per member: (offset of data, size, kind, link target, sparse map or None). A sparse map is a
# tuple of (offset in the member, length) for the data stored from `offset` on; the rest reads as zeros.
_Record = tuple[int, int, str, str, "tuple[tuple[int, int], ...] | None"]


@dataclass(frozen=True)
class Member:
    name: str
    offset: int  # of the data
    size: int  # of the member as read (for a sparse member, holes included)
    kind: str  # "file", "dir", "symlink", "hardlink"
    target: str = ""  # normalised link target, relative to the archive root
    sparse: tuple[tuple[int, int], ...] | None = None

    @property
    def stored(self) -> int:
        """Bytes the member's data takes in the archive."""
        return sum(n for _, n in self.sparse) if self.sparse is not None else self.size


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

    def __init__(self, path: str, what: str | None = None, *, last_wins: bool = False) -> None:
        self.path = path
        self.what = what or path
        self.members: dict[str, _Record] = {}
        self._last_wins = last_wins
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
                    count = 0
                    while (info := tf.next()) is not None:
                        tf.members.clear()  # tarfile keeps every TarInfo otherwise
                        count += 1
                        if count > MAX_MEMBERS:
                            raise InvalidInput(f"{self.what} has more than {MAX_MEMBERS} members, far more than "
                                               "an image archive holds; refusing it")
                        self._add(info, size)
                        end = tf.offset
            except tarfile.ReadError as exc:
                if "unexpected end" in str(exc):
                    raise InvalidInput(f"{self.what} is truncated: a member's data runs past the end of the file") \
                        from None
                raise InvalidInput(f"{self.what} is not a tar archive ({_reason(exc)})") from None
            except (tarfile.TarError, UnicodeDecodeError, ValueError, EOFError) as exc:
                raise InvalidInput(f"{self.what} is a corrupt tar archive ({_reason(exc)})") from None
        # After the last member there may be EOF blocks (or none: umoci omits them); anything else is a
        # header cut in the middle.
        tail = os.pread(self._fd, min(size - end, 1 << 16), end) if size > end else b""
        if tail.strip(b"\x00"):
            raise InvalidInput(f"{self.what} is truncated or corrupt after member data at offset {end}")

    def _add(self, info: tarfile.TarInfo, file_size: int) -> None:
        if len(info.name) > MAX_NAME or len(info.linkname) > MAX_NAME:
            raise InvalidInput(f"{self.what}: a member name is over {MAX_NAME} bytes; refusing the archive")
        name = normalise(info.name, self.what)
        if not name:
            return
        record: _Record
        if info.issparse():
            sparse = tuple((int(o), int(n)) for o, n in info.sparse)
            if any(o < 0 or n < 0 or o + n > info.size for o, n in sparse):
                raise InvalidInput(f"{self.what}: sparse member {name!r} has a corrupt sparse map")
            record = (info.offset_data, info.size, "file", "", sparse)
            stored = sum(n for _, n in sparse)
        elif info.isreg():
            record = (info.offset_data, info.size, "file", "", None)
            stored = info.size
        elif info.isdir():
            record, stored = (0, 0, "dir", "", None), 0
        elif info.issym():
            if info.linkname.startswith("/"):
                raise InvalidInput(f"{self.what}: symlink {name!r} points to an absolute path; refusing the archive")
            target = normalise(posixpath.join(posixpath.dirname(name), info.linkname), self.what)
            record, stored = (0, 0, "symlink", target, None), 0
        elif info.islnk():
            record, stored = (0, 0, "hardlink", normalise(info.linkname, self.what), None), 0
        else:
            raise InvalidInput(f"{self.what}: member {name!r} is a device or FIFO; refusing the archive")
        if record[0] + stored > file_size:
            raise InvalidInput(f"{self.what} is truncated: member {name!r} runs past the end of the file")
        if self._last_wins or name not in self.members:
            self.members[name] = record

    def member(self, name: str) -> Member | None:
        record = self.members.get(name)
        return None if record is None else Member(name, *record)

    def resolve(self, name: str) -> Member:
        """The regular-file member behind `name`, following one link hop as containers/image does."""
        member = self.member(normalise(name, self.what))
        if member is None:
            raise NotFound(f"{self.what} has no member {name!r}: the archive is incomplete")
        if member.kind in ("symlink", "hardlink"):
            target = self.member(member.target)
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
        if m.sparse is not None:
            with self.open(name) as f:
                return f.read()
        return os.pread(self._fd, m.size, m.offset)

    def open(self, name: str) -> io.BufferedReader:
        m = self.resolve(name)
        if m.sparse is not None:
            return io.BufferedReader(SparseReader(self._fd, m), 1 << 20)
        return io.BufferedReader(RangeReader(self._fd, m.offset, m.size), 1 << 20)


def looks_like_tar(path: str, offset: int, size: int) -> bool:
    """Whether the `size` bytes at `offset` of `path` start like a tar archive: an empty one (zeros), or a
    first header block whose checksum is right (what tarfile and Go's archive/tar check first)."""
    if size == 0:
        return True
    with open(path, "rb", buffering=0) as f:
        block = os.pread(f.fileno(), min(size, 512), offset)
    if len(block) < 512:
        return False
    if not block.strip(b"\x00"):
        return True
    try:
        stored = int(block[148:156].split(b"\x00", 1)[0].strip() or b"-1", 8)
    except ValueError:
        return False
    return stored in tarfile.calc_chksums(block)  # (unsigned, signed): old tars used signed sums


def _reason(exc: BaseException) -> str:
    """tarfile's message, without Python's exception names."""
    if isinstance(exc, UnicodeError):
        return "a member name is not valid text"
    text = str(exc)[:100] or "unreadable header"
    return text.replace("UnicodeDecodeError", "bad text").replace("ValueError", "bad value")


class SparseReader(io.RawIOBase):
    """A sparse member as its full size: the stored regions at their offsets, zeros between them."""

    def __init__(self, fd: int, member: Member) -> None:
        self._fd = fd
        self._size = member.size
        self._pos = 0
        # (start in the member, end in the member, where the region's bytes start in the archive)
        regions, at = [], member.offset
        for off, n in member.sparse or ():
            regions.append((off, off + n, at))
            at += n
        self._regions = sorted(regions)

    def readable(self) -> bool:
        return True

    def readinto(self, buf) -> int:
        want = min(len(buf), self._size - self._pos)
        if want <= 0:
            return 0
        view = memoryview(buf)
        for start, end, at in self._regions:
            if start <= self._pos < end:
                n = min(want, end - self._pos)
                got = os.preadv(self._fd, [view[:n]], at + self._pos - start)
                if got == 0:
                    raise InvalidInput("the archive was truncated while it was being read")
                self._pos += got
                return got
        following = [start for start, _, _ in self._regions if start > self._pos]
        n = min(want, (min(following) if following else self._size) - self._pos)
        view[:n] = bytes(n)
        self._pos += n
        return n


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
