"""An engine export's bytes as a row of the transfer's progress ("export from Podman"): the engine sends the
whole image before the copy can start (engine/engines/export_source.py spools it), and a front end shows
that time as bytes moving, with the image's size as the engine reports it for a total."""

from __future__ import annotations

from collections.abc import Callable

from engine.engines.client import Engine
from engine.engines.discovery import Endpoint
from engine.errors import EstibaError
from engine.progress import CancelToken, Progress


class _Counted:
    """An export response whose bytes are reported as they are read."""

    def __init__(self, resp, on_bytes: Callable[[int], None], finished: Callable[[], None]) -> None:
        self.resp, self.on_bytes, self.finished = resp, on_bytes, finished

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        data = self.resp.read(n)
        if data:
            self.on_bytes(len(data))
        return data

    def close(self) -> None:
        self.resp.close()
        self.finished()

    def __enter__(self) -> _Counted:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def export_label(engine: Engine) -> str:
    return f"export from {engine.title}"


def listed_size(engine: Engine, image_ids: list[str]) -> int:
    """The images' sizes as the engine lists them (about what its export sends); -1 when one is not listed."""
    wanted = {i.removeprefix("sha256:") for i in image_ids}
    try:
        sizes = [r.size for r in engine.images() if r.id.removeprefix("sha256:") in wanted]
    except EstibaError:
        return -1  # only a progress total: the export itself says what is wrong
    return sum(sizes) if len(sizes) == len(wanted) else -1


class CountingEngine(Engine):
    def __init__(self, endpoint: Endpoint, progress: Progress) -> None:
        super().__init__(endpoint)
        self.progress = progress

    def export_many(self, image_ids: list[str], cancel: CancelToken | None):
        # export() goes through here too: one row for the request, whatever the number of images
        label = export_label(self)
        size = listed_size(self, image_ids)  # before the export: a one-connection engine is busy during it
        resp = super().export_many(image_ids, cancel)
        self.progress.new(label, size)
        counter = self.progress.counter(label, size)
        count = [0]

        def on_bytes(n: int) -> None:
            count[0] += n
            counter(n)

        return _Counted(resp, on_bytes, lambda: self.progress.done(label, count[0]))
