"""Reading an engine's image: the engine is asked for an uncompressed docker-archive (the cheapest export:
podman gzips an oci-archive on one core), which is spooled once into the store's tmp dir, next to the
blobs, and read by the docker-archive reader (engine/formats/docker_archive); the copy pipeline verifies
every byte. The names come from the engine's inspection, so an export by ID keeps the image's name."""

from __future__ import annotations

from engine.contract import Source
from engine.engines.client import Engine, normalised
from engine.reference import is_image_id_prefix
from engine.transports.files import TempOwner


class EngineSource(TempOwner):
    def __init__(self, inner: Source, temp: str, description: str, names: list[str], engine: Engine) -> None:
        super().__init__(inner, temp, description)
        self._names = names
        self._engine = engine

    def images(self):
        images = self.inner.images()
        for img in images:
            img.names = list(self._names)
            img.label = img.label or self.description
        return images

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._engine.close()


def chosen_names(ref: str, names: list[str]) -> list[str]:
    """The names an export selected by `ref` carries: the name typed when it is one of the image's (short
    names resolved as the engine resolved them), else the image's first name (selected by ID)."""
    bare = ref.removeprefix("sha256:")
    if is_image_id_prefix(bare) and not any(n.startswith(ref) for n in names):
        return names[:1]
    typed = normalised(ref)
    if typed in names:
        return [typed]
    short = ref if ":" in ref.rsplit("/", 1)[-1] else ref + ":latest"
    for name in names:
        if name.endswith("/" + short):
            return [name]
    return names[:1]


def open_export(engine: Engine, ref: str, description: str, tmpdir: str | None, cancel) -> Source:
    from engine.formats import docker_archive
    from engine.spool import spool_stream

    try:
        image_id, names = engine.inspect(ref)
        with engine.export(image_id, cancel) as resp:
            temp = spool_stream(resp, tmpdir, description)
    except BaseException:
        engine.close()
        raise
    try:
        inner = docker_archive.open_source(temp, None, tmpdir=tmpdir)
    except BaseException:
        import os

        os.unlink(temp)
        engine.close()
        raise
    return EngineSource(inner, temp, description, chosen_names(ref, names), engine)
