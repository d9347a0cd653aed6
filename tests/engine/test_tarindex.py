"""Reading tar members in place, and refusing hostile archives."""

from __future__ import annotations

import io
import tarfile

import pytest

from engine.errors import InvalidInput, NotFound
from engine.tarindex import TarIndex


def write_tar(path, entries, *, strip_eof=False):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
        for kind, name, payload in entries:
            info = tarfile.TarInfo(name)
            if kind == "file":
                info.size = len(payload)
                tf.addfile(info, io.BytesIO(payload))
            elif kind == "symlink":
                info.type, info.linkname = tarfile.SYMTYPE, payload
                tf.addfile(info)
            elif kind == "hardlink":
                info.type, info.linkname = tarfile.LNKTYPE, payload
                tf.addfile(info)
            elif kind == "fifo":
                info.type = tarfile.FIFOTYPE
                tf.addfile(info)
            elif kind == "dir":
                info.type = tarfile.DIRTYPE
                tf.addfile(info)
    data = buf.getvalue()
    if strip_eof:
        data = data.rstrip(b"\0")
        data += b"\0" * (-len(data) % 512)
    path.write_bytes(data)
    return path


def test_members_read_in_place_with_normalised_names(tmp_path):
    entries = [("dir", "./d", None), ("file", "./d/x", b"hello"), ("file", "y//z", b"w" * 5000)]
    p = write_tar(tmp_path / "a.tar", entries)
    with TarIndex(str(p)) as idx:
        assert idx.read("d/x", 100) == b"hello"
        assert idx.open("y/z").read() == b"w" * 5000
        m = idx.resolve("./y/z")
        assert p.read_bytes()[m.offset:m.offset + m.size] == b"w" * 5000


def test_symlink_followed_one_hop_inside_the_archive(tmp_path):
    p = write_tar(tmp_path / "a.tar", [("file", "abc.tar", b"layer"), ("symlink", "v1/layer.tar", "../abc.tar"),
                                       ("hardlink", "h", "abc.tar")])
    with TarIndex(str(p)) as idx:
        assert idx.read("v1/layer.tar", 10) == b"layer"
        assert idx.read("h", 10) == b"layer"


def test_missing_eof_padding_is_tolerated(tmp_path):
    p = write_tar(tmp_path / "a.tar", [("file", "a", b"x" * 1000)], strip_eof=True)
    with TarIndex(str(p)) as idx:
        assert idx.read("a", 2000) == b"x" * 1000


@pytest.mark.parametrize("entries, message", [
    ([("file", "../evil", b"x")], "outside the archive"),
    ([("file", "/etc/evil", b"x")], "absolute path"),
    ([("file", "a/../../evil", b"x")], "outside the archive"),
    ([("symlink", "l", "/etc/passwd")], "absolute path"),
    ([("symlink", "d/l", "../../etc/passwd")], "outside the archive"),
    ([("fifo", "f", None)], "device or FIFO"),
])
def test_hostile_members_refuse_the_archive(tmp_path, entries, message):
    p = write_tar(tmp_path / "bad.tar", entries)
    with pytest.raises(InvalidInput, match=message):
        TarIndex(str(p))


def test_truncated_empty_and_junk_files(tmp_path):
    full = write_tar(tmp_path / "a.tar", [("file", "a", b"x" * 3000), ("file", "b", b"y" * 3000)]).read_bytes()
    (tmp_path / "cut.tar").write_bytes(full[:3000])
    with pytest.raises(InvalidInput, match="truncated"):
        TarIndex(str(tmp_path / "cut.tar"))
    (tmp_path / "cut2.tar").write_bytes(full[: 512 + 3072 + 100])  # cut inside the second header
    with pytest.raises(InvalidInput, match="truncated"):
        TarIndex(str(tmp_path / "cut2.tar"))
    (tmp_path / "empty").write_bytes(b"")
    with pytest.raises(InvalidInput, match="empty file"):
        TarIndex(str(tmp_path / "empty"))
    (tmp_path / "junk").write_bytes(b"not an archive at all" * 100)
    with pytest.raises(InvalidInput, match="not a tar archive"):
        TarIndex(str(tmp_path / "junk"))


def test_links_that_lead_nowhere(tmp_path):
    p = write_tar(tmp_path / "a.tar", [("symlink", "l", "missing"), ("dir", "d", None)])
    with TarIndex(str(p)) as idx:
        with pytest.raises(InvalidInput, match="does not lead to a file"):
            idx.resolve("l")
        with pytest.raises(InvalidInput, match="not a file"):
            idx.resolve("d")
        with pytest.raises(NotFound):
            idx.resolve("nope")
