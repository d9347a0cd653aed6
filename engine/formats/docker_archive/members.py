"""What a docker-archive holds, member by member, in containers/image's order (docs/formats.md §1.1 variant A):
per image its new layers, its config and its legacy `<v1id>/` directory; the headers of every member."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from engine.digest import Digest
from engine.formats.docker_archive.legacy import legacy_layers
from engine.formats.tarwriter import SYMLINK, append_file, end_archive, header, write_all
from engine.manifest import ImageConfig
from engine.progress import OnBytes

MEMBER_MODE = 0o444  # of the members (c/image's tarFI)
Member = tuple[str, str, str | bytes]  # ("file", name, bytes | staged path) or ("symlink", name, target)


@dataclass
class OutImage:
    config: ImageConfig
    diff_ids: list[Digest]
    names: list[str]


def image_members(image: OutImage, written: set[str], staged: Callable[[Digest], str]) -> list[Member]:
    """An image's members not in `written` (which learns them), in c/image's order: its layers (`staged` tells
    where a layer's bytes wait), its config, its legacy dirs (a v1 id is written once)."""
    members: list[Member] = []
    layer_names = [f"{d.hex}.tar" for d in image.diff_ids]
    for diff_id, name in zip(image.diff_ids, layer_names, strict=True):
        if name not in written:
            written.add(name)
            members.append(("file", name, staged(diff_id)))
    config_name = f"{image.config.digest.hex}.json"
    if config_name not in written:
        written.add(config_name)
        members.append(("file", config_name, image.config.raw))
    for (v1id, v1json), layer_name in zip(legacy_layers(image.config.raw, image.diff_ids), layer_names, strict=True):
        if v1id in written:
            continue
        written.add(v1id)
        members += [("symlink", f"{v1id}/layer.tar", f"../{layer_name}"),
                    ("file", f"{v1id}/VERSION", b"1.0"), ("file", f"{v1id}/json", v1json)]
    return members


def member_header(name: str, size: int, link: str | None = None) -> bytes:
    if link is None:
        return header(name, size, mode=MEMBER_MODE, go_numbers=True)
    return header(name, kind=SYMLINK, link=link, mode=0, go_numbers=True)  # c/image: os.ModeSymlink, no permissions


def write_tar(fd: int, members: list[Member], on_bytes: OnBytes = None) -> None:
    """Write a tar at fd: ("file", name, bytes | staged path) or ("symlink", name, target). The data of
    staged files is copied by the kernel (on_bytes hears of each slice); the header is written first with the
    size taken from the file."""
    for kind, name, payload in members:
        if kind == "symlink":
            assert isinstance(payload, str)
            write_all(fd, member_header(name, 0, payload))
            continue
        append_file(fd, lambda size, name=name: member_header(name, size), payload, on_bytes)
    end_archive(fd)
