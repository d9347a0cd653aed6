"""podman's images read straight from its storage, as skopeo's `containers-storage:` transport reads them.

podman's export API writes the whole image to a temporary file of its own before it sends a byte, at about
100 MB/s on the benchmark's machine (docs/engines.md); reading the storage is several times faster. The API
still says where the storage is (`GET /info`: graphRoot, graphDriverName) and which image a name means
(inspection); the bytes then come from the storage's own files:

- `<driver>-images/images.json` gives the image's top layer; its config is the image's big-data file
  (named `=` + base64 of `sha256:ID`), checked against the image ID before anything else.
- `<driver>-layers/layers.json` chains the layers (parent) with their `diff-digest`, which must be the
  config's diffIDs in order.
- A layer's tar is rebuilt as podman rebuilds it for an export: its `<id>.tar-split.gz` (JSON lines: type 2
  holds raw header/padding bytes, type 1 names a file whose contents come from the layer's directory,
  `vfs/dir/<id>` or `overlay/<id>/diff`).

Nothing read here is trusted before it is hashed: the config against the image ID when it is found, each
layer against its diffID as it is read (its last read is an error naming podman's storage when the bytes
do not match, before the pipeline can commit anything). Before the source is offered, every file a
layer's tar-split names is opened (no symlink followed, nothing outside the layer's directory) and its size
compared: a layer that cannot be read whole (a rootless storage with files of other users, overlay's
metacopy files, a layer without tar-split) makes the caller use the export API instead. The lists and the
files are checked under read locks on `layers.lock` and `images.lock` (containers/storage's own fcntl
locks); the copy itself holds none (a long export would stop every podman command that writes), so an image
removed by podman in the middle ends the copy with a one-line error, and nothing is written."""

from __future__ import annotations

import base64
import fcntl
import gzip
import hashlib
import io
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass

from engine import jsondoc
from engine.contract import Source
from engine.digest import Digest, sha256_digest
from engine.engines.client import Engine
from engine.engines.discovery import PODMAN, TITLES
from engine.engines.engine_images import EngineImages
from engine.errors import DigestMismatch, EstibaError, InvalidInput, NotFound
from engine.manifest import MAX_CONFIG_BYTES, MAX_JSON_BYTES, Descriptor, ImageConfig

TITLE = TITLES[PODMAN]
DRIVERS = ("vfs", "overlay")
LOCK_WAIT = 5.0  # seconds to wait for podman to finish writing its storage before asking its API instead
CHUNK = 1 << 20
OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC


class Unreadable(Exception):
    """The storage cannot be read here as this module reads it: use the export API."""


@dataclass(frozen=True)
class Layer:
    diff_id: Digest
    size: int
    tar_split: str
    root: str


@dataclass
class StoredImage:
    image_id: str
    names: list[str]
    config: bytes
    layers: list[Layer]


def storage_of(engine: Engine) -> tuple[str, str] | None:
    """(graphRoot, driver) of podman's storage when this process can read it, else None."""
    if engine.kind != PODMAN:
        return None
    try:
        doc = engine.info()
    except Exception:  # noqa: BLE001 - an engine that does not say: the export API is used
        return None
    store = doc.get("store")
    if not isinstance(store, dict):
        return None
    root, driver = store.get("graphRoot"), store.get("graphDriverName")
    if not isinstance(root, str) or driver not in DRIVERS or not os.path.isabs(root):
        return None
    if not os.access(os.path.join(root, f"{driver}-layers"), os.R_OK | os.X_OK):
        return None
    return root, driver


def _json_file(path: str):
    """The document, through the project's capped JSON loader; anything it refuses means: use the API."""
    try:
        with open(path, "rb") as fh:
            return jsondoc.read(fh, path, MAX_JSON_BYTES)
    except (OSError, InvalidInput) as exc:
        raise Unreadable(path) from exc


def _big_data(image_dir: str, key: str) -> bytes:
    for name in ("=" + base64.b64encode(key.encode()).decode(), key):
        path = os.path.join(image_dir, name)
        try:
            with open(path, "rb") as fh:
                data = fh.read(MAX_CONFIG_BYTES + 1)
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise Unreadable(path) from exc
        if len(data) > MAX_CONFIG_BYTES:
            raise Unreadable(path)
        return data
    raise Unreadable(f"{image_dir}: no {key}")


def _layer_root(root: str, driver: str, layer_id: str) -> str:
    return os.path.join(root, "vfs", "dir", layer_id) if driver == "vfs" else os.path.join(root, "overlay",
                                                                                          layer_id, "diff")


def find_image(root: str, driver: str, image_id: str, names: list[str]) -> StoredImage:
    hex_id = image_id.removeprefix("sha256:")
    images = _json_file(os.path.join(root, f"{driver}-images", "images.json"))
    record = next((i for i in images if isinstance(i, dict) and i.get("id") == hex_id), None) \
        if isinstance(images, list) else None
    if record is None or not isinstance(record.get("layer"), str):
        raise Unreadable(f"image {hex_id[:12]} not in images.json")
    config = _big_data(os.path.join(root, f"{driver}-images", hex_id), image_id)
    if sha256_digest(config) != image_id:
        raise Unreadable("the stored config does not hash to the image ID")
    diff_ids = ImageConfig.parse(config, f"image config {image_id[:19]}…").diff_ids
    layers_doc = _json_file(os.path.join(root, f"{driver}-layers", "layers.json"))
    by_id = {x["id"]: x for x in layers_doc if isinstance(x, dict) and isinstance(x.get("id"), str)} \
        if isinstance(layers_doc, list) else {}
    chain: list[Layer] = []
    current: str | None = record["layer"]
    while current:
        entry = by_id.get(current)
        if entry is None or len(chain) > len(diff_ids):
            raise Unreadable(f"layer {current[:12]} not in layers.json")
        size = entry.get("diff-size")
        if not isinstance(size, int) or size < 0 or not isinstance(entry.get("diff-digest"), str):
            raise Unreadable(f"layer {current[:12]} has no recorded diff")
        chain.append(Layer(Digest(entry["diff-digest"]), size,
                           os.path.join(root, f"{driver}-layers", f"{current}.tar-split.gz"),
                           _layer_root(root, driver, current)))
        parent = entry.get("parent")
        current = parent if isinstance(parent, str) and parent else None
    chain.reverse()
    if [layer.diff_id for layer in chain] != list(diff_ids):
        raise Unreadable("the layer chain is not the config's diffIDs")
    return StoredImage(image_id, names, config, chain)


# -- a layer's tar, rebuilt

def _entries(tar_split: str) -> Iterator[dict]:
    try:
        with gzip.open(tar_split, "rb") as fh:
            for line in fh:
                if line.strip():
                    entry = json.loads(line)  # one small record per line, as tar-split writes them
                    if not isinstance(entry, dict):
                        raise Unreadable(tar_split)
                    yield entry
    except (OSError, ValueError, EOFError, RecursionError) as exc:
        raise Unreadable(tar_split) from exc


def _name(entry: dict) -> str:
    raw = entry.get("name_raw")
    name = base64.b64decode(raw).decode("utf-8", "surrogateescape") if isinstance(raw, str) else entry.get("name")
    if not isinstance(name, str):
        raise Unreadable("a tar-split entry without a name")
    return name


class _Opener:
    """Files below one directory opened without following a symlink anywhere on the way."""

    def __init__(self, root: str) -> None:
        try:
            self.root_fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except OSError as exc:
            raise Unreadable(root) from exc
        self._dirs: dict[str, int] = {}

    def open(self, name: str) -> int:
        parts = [p for p in name.split("/") if p not in ("", ".")]
        if not parts or ".." in parts:
            raise Unreadable(f"a tar-split name outside the layer: {name[:80]}")
        fd = self.root_fd
        for i in range(len(parts) - 1):
            key = "/".join(parts[:i + 1])
            sub = self._dirs.get(key)
            if sub is None:
                try:
                    sub = os.open(parts[i], OPEN_FLAGS | os.O_DIRECTORY, dir_fd=fd)
                except OSError as exc:
                    raise Unreadable(name[:80]) from exc
                if len(self._dirs) > 256:
                    self._close_dirs()
                self._dirs[key] = sub
            fd = sub
        try:
            return os.open(parts[-1], OPEN_FLAGS | os.O_NONBLOCK, dir_fd=fd)
        except OSError as exc:
            raise Unreadable(name[:80]) from exc

    def _close_dirs(self) -> None:
        for fd in self._dirs.values():
            os.close(fd)
        self._dirs.clear()

    def close(self) -> None:
        self._close_dirs()
        if self.root_fd >= 0:
            os.close(self.root_fd)
            self.root_fd = -1


def check_layer(layer: Layer) -> None:
    """Unreadable unless every file the layer's tar-split names opens as a regular file of its size."""
    opener = _Opener(layer.root)
    try:
        for entry in _entries(layer.tar_split):
            size = entry.get("size") or 0
            if not isinstance(size, int) or size < 0:
                raise Unreadable(f"{layer.tar_split}: a size that is not a number")
            if entry.get("type") != 1 or not size:
                continue
            fd = opener.open(_name(entry))
            try:
                st = os.fstat(fd)
            finally:
                os.close(fd)
            # overlay's metacopy files hold metadata only: their blocks are in a lower layer
            if not (st.st_mode & 0o170000 == 0o100000) or st.st_size != size or (size > 4096 and
                                                                                   st.st_blocks == 0):
                raise Unreadable(_name(entry)[:80])
    finally:
        opener.close()


def changed(layer: Layer, exc: BaseException) -> EstibaError:
    return EstibaError(f"{TITLE}'s storage changed while layer {layer.diff_id[:19]}… was read ({layer.root}: "
                       f"{exc.__class__.__name__} {str(exc)[:80]}): was the image removed? nothing was written; "
                       "try again")


class LayerReader(io.RawIOBase):
    """The layer's tar, as podman's export sends it, rebuilt from tar-split and the layer's files, hashed as it
    is read: the end of the stream is a DigestMismatch naming podman's storage unless every byte read hashes
    to the layer's diffID and its recorded size."""

    def __init__(self, layer: Layer) -> None:
        self._layer = layer
        self._hash = hashlib.sha256()
        self._count = 0
        self._checked = False
        self._opener = _Opener(layer.root)
        self._entries = _entries(layer.tar_split)
        self._pending = memoryview(b"")
        self._fd = -1
        self._left = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buf) -> int:
        try:
            n = self._readinto(buf)
        except (Unreadable, OSError, ValueError, TypeError) as exc:  # ValueError: bad base64 in tar-split
            raise changed(self._layer, exc) from None
        if n:
            self._hash.update(buf[:n])
            self._count += n
        elif not self._checked:
            self._checked = True
            actual = Digest("sha256:" + self._hash.hexdigest())
            if actual != self._layer.diff_id or self._count != self._layer.size:
                raise DigestMismatch(
                    f"{TITLE}'s storage holds layer {self._layer.diff_id[:19]}… damaged: its files in "
                    f"{self._layer.root} hash to {actual[:19]}… ({self._count} bytes, {self._layer.size} "
                    f"recorded); nothing was written: remove the image from {TITLE} and pull or load it again")
        return n

    def _readinto(self, buf) -> int:
        while True:
            if self._pending:
                n = min(len(buf), len(self._pending))
                buf[:n] = self._pending[:n]
                self._pending = self._pending[n:]
                return n
            if self._fd >= 0:
                n = os.readv(self._fd, [memoryview(buf)[:min(len(buf), self._left)]])  # straight into buf
                if not n:  # shorter than recorded: the digest check at the end names the layer
                    self._end_file()
                    continue
                self._left -= n
                if self._left == 0:
                    self._end_file()
                return n
            entry = next(self._entries, None)
            if entry is None:
                return 0
            if entry.get("type") == 2:
                payload = entry.get("payload")
                self._pending = memoryview(base64.b64decode(payload) if isinstance(payload, str) else b"")
            elif entry.get("type") == 1 and entry.get("size"):
                self._fd = self._opener.open(_name(entry))
                self._left = int(entry["size"])

    def _end_file(self) -> None:
        os.close(self._fd)
        self._fd = -1
        self._left = 0

    def close(self) -> None:
        if self._fd >= 0:
            self._end_file()
        self._opener.close()
        super().close()


class _Locks:
    """containers/storage's read locks on its layer and image lists, for as long as the source is open."""

    def __init__(self, root: str, driver: str) -> None:
        self._fds: list[int] = []
        try:
            for name in (f"{driver}-layers/layers.lock", f"{driver}-images/images.lock"):
                try:
                    fd = os.open(os.path.join(root, name), os.O_RDONLY | os.O_CLOEXEC)
                except OSError as exc:
                    raise Unreadable(name) from exc
                self._fds.append(fd)
                deadline = time.monotonic() + LOCK_WAIT
                while True:
                    try:
                        fcntl.lockf(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
                        break
                    except OSError as exc:
                        if time.monotonic() > deadline:
                            raise Unreadable(name) from exc
                        time.sleep(0.05)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        for fd in self._fds:
            os.close(fd)  # closing drops the lock
        self._fds = []


class StorageSource(EngineImages):
    """The images read from podman's storage (see the module's text); closing it closes `engine`."""

    trusted = True  # its config was hashed when found; each layer is hashed as it is read (LayerReader)

    def __init__(self, images: list[StoredImage], description: str, engine: Engine) -> None:
        super().__init__(description)
        self._engine = engine
        self._configs: dict[str, bytes] = {}
        self._layers: dict[str, Layer] = {}
        for img in images:
            self._configs[img.image_id] = img.config
            for layer in img.layers:
                self._layers[layer.diff_id] = layer
            self.add_image(img.image_id, len(img.config), [(layer.diff_id, layer.size) for layer in img.layers],
                           img.names, len(images) > 1)

    def open_blob(self, desc: Descriptor):
        config = self._configs.get(desc.digest)
        if config is not None:
            return io.BytesIO(config)
        layer = self._layers.get(desc.digest)
        if layer is None:
            raise NotFound(f"{self.description} has no blob {desc.digest[:19]}…")
        try:
            return io.BufferedReader(LayerReader(layer), CHUNK)
        except (Unreadable, OSError) as exc:
            raise changed(layer, exc) from None

    def layer_size(self, desc: Descriptor) -> int | None:
        layer = self._layers.get(desc.digest)
        return layer.size if layer is not None else None

    def close(self) -> None:
        self._engine.close()


def open_from_storage(engine: Engine, images: list[tuple[str, list[str]]], description: str) -> Source | None:
    """The images (image ID, names) read from podman's storage, or None where it cannot be read so."""
    where = storage_of(engine)
    if where is None:
        return None
    root, driver = where
    try:
        locks = _Locks(root, driver)
    except (Unreadable, OSError):
        return None
    try:
        stored = [find_image(root, driver, image_id, names) for image_id, names in images]
        for img in stored:
            for layer in img.layers:
                check_layer(layer)
    except (Unreadable, OSError, ValueError, EstibaError):
        return None
    finally:
        locks.close()
    return StorageSource(stored, description, engine)
