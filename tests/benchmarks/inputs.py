"""Benchmark inputs built from real files found on this machine, cached in the work dir.

For a target size S: the `multi` image has 5 layers of different sizes (40/25/15/12/8 % of S) filled from a
sorted walk of /usr; the `single` image has the same files in one layer. Each image is an OCI layout (gzip
layers), plus an oci-archive (a tar of the layout) and a docker-archive (written by skopeo from the layout).
A `many` layout holds N small images (one shared layer, distinct configs) for the `estiba images` start-up test.

Stdlib only (isal when importable, for speed); never imports `engine`: the inputs must not depend on the code
under test.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import stat
import subprocess
import sys
import tarfile
import zlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

try:  # ~10x faster than zlib; the input's compression method barely matters to the benchmark
    from isal import isal_zlib as _zlib

    GZIP_LEVEL, GZIP_LIB = 3, "isal"
except ImportError:  # pragma: no cover - the venv has isal
    _zlib, GZIP_LEVEL, GZIP_LIB = zlib, 6, "zlib"

BUILD_VERSION = 1  # bump when the inputs' content changes: invalidates the cache
ROOTS = ("/usr/lib", "/usr/share", "/usr/bin", "/usr/sbin", "/usr/libexec", "/usr/include")
LAYER_SHARES = (0.40, 0.25, 0.15, 0.12, 0.08)
MTIME = 1_704_164_645  # 2024-01-02T03:04:05Z
CREATED = "2024-01-02T03:04:05Z"
CHUNK = 1 << 20

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
REF_NAME = "org.opencontainers.image.ref.name"
IMAGE_KINDS = ("multi", "single")


class BuildError(Exception):
    pass


@dataclass
class LayerInfo:
    digest: str
    size: int  # compressed
    diff_id: str
    uncompressed: int
    files: int


@dataclass
class ImageInputs:
    kind: str
    name: str  # fully qualified, also the layout's ref.name
    layout: str  # OCI layout directory
    oci_archive: str
    docker_archive: str
    layers: list[LayerInfo] = field(default_factory=list)
    manifest_digest: str = ""
    config_digest: str = ""

    @property
    def uncompressed(self) -> int:
        return sum(layer.uncompressed for layer in self.layers)

    @property
    def compressed(self) -> int:
        return sum(layer.size for layer in self.layers)

    def describe(self) -> dict:
        return {"name": self.name, "layers": [asdict(la) for la in self.layers], "uncompressed_bytes":
                self.uncompressed, "compressed_bytes": self.compressed, "manifest_digest": self.manifest_digest,
                "config_digest": self.config_digest}


# -- real files ---------------------------------------------------------------------------------------------


def byte_compile() -> None:
    """Byte-compile the project's packages, as a user's first run does: the benchmark times Estiba as it runs
    on a user's machine, not recompiling every module at each start. (Where PYTHONDONTWRITEBYTECODE is set,
    as in some sandboxes, Python never writes the cache itself: compiling engine/ and cli/ then cost each
    invocation ~0.17 s, measured with -X importtime; an existing cache is still read.)"""
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    packages = [os.path.join(repo, d) for d in ("engine", "cli", "gui")]
    subprocess.run([sys.executable, "-m", "compileall", "-q", *packages], check=True, stdout=subprocess.DEVNULL)


def real_files(roots: tuple[str, ...] = ROOTS, exclude: tuple[str, ...] = ()) -> Iterator[tuple[str, int]]:
    """(path, size) of readable regular files and symlinks under `roots`, in sorted order (deterministic)."""
    excluded = tuple(os.path.realpath(e) for e in exclude)
    for root in roots:
        if not os.path.isdir(root) or os.path.islink(root):
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames
                                 if not os.path.realpath(os.path.join(dirpath, d)).startswith(excluded))
            for name in sorted(filenames):
                path = os.path.join(dirpath, name)
                try:
                    st = os.lstat(path)
                except OSError:
                    continue
                if stat.S_ISLNK(st.st_mode):
                    yield path, 0
                elif stat.S_ISREG(st.st_mode) and st.st_size > 0 and os.access(path, os.R_OK):
                    yield path, st.st_size


def plan_layers(total: int, shares: tuple[float, ...], files: Iterator[tuple[str, int]]) -> list[list[str]]:
    """Split the walk into consecutive groups, group i holding shares[i] * total bytes (within 10%): a file
    that would overflow a group that is not yet 90% full is skipped, so sizes stay close at any scale."""
    quotas = [max(1, int(total * s)) for s in shares]
    groups: list[list[str]] = [[] for _ in shares]
    i, filled = 0, 0
    for path, size in files:
        cost = size + 512
        if filled + cost > quotas[i] * 1.05:
            if filled < quotas[i] * 0.9:
                continue
            i, filled = i + 1, 0
            if i == len(groups):
                return groups
            if cost > quotas[i] * 1.05:
                continue
        groups[i].append(path)
        filled += cost
    if i == len(groups) - 1 and filled >= quotas[i] * 0.9:
        return groups
    have = sum(quotas[:i]) + filled
    raise BuildError(f"only {have / 1e6:.0f} MB of real files under {', '.join(ROOTS)}; "
                     f"{total / 1e6:.0f} MB were asked for: choose a smaller --size-gb")


# -- layers -------------------------------------------------------------------------------------------------


class _GzipHashSink:
    """A write-only file for tarfile: hashes the tar (diff ID), gzips it into `out` and hashes that (digest)."""

    def __init__(self, out) -> None:
        self.out = out
        self.diff = hashlib.sha256()
        self.blob = hashlib.sha256()
        self.usize = 0
        self.csize = 0
        self._z = _zlib.compressobj(GZIP_LEVEL, _zlib.DEFLATED, 31)

    def write(self, data) -> int:
        self.diff.update(data)
        self.usize += len(data)
        self._emit(self._z.compress(data))
        return len(data)

    def _emit(self, data: bytes) -> None:
        if data:
            self.blob.update(data)
            self.csize += len(data)
            self.out.write(data)

    def finish(self) -> None:
        self._emit(self._z.flush())


def _normalise(ti: tarfile.TarInfo) -> tarfile.TarInfo:
    ti.uid = ti.gid = 0
    ti.uname = ti.gname = "root"
    ti.mtime = MTIME
    return ti


def _parents(arcname: str, seen: set[str]) -> Iterator[str]:
    parts = arcname.split("/")[:-1]
    for i in range(1, len(parts) + 1):
        d = "/".join(parts[:i])
        if d not in seen:
            seen.add(d)
            yield d


def write_layer(paths: list[str], blobs_dir: str) -> LayerInfo:
    """A gzip'd layer tar of `paths` (stored under their real paths, parents first) into blobs_dir/<hex>."""
    tmp = os.path.join(blobs_dir, f".layer-{os.getpid()}.tmp")
    files = 0
    with open(tmp, "wb") as out:
        sink = _GzipHashSink(out)
        with tarfile.open(fileobj=sink, mode="w|", format=tarfile.PAX_FORMAT, bufsize=CHUNK) as tar:  # type: ignore
            dirs: set[str] = set()
            for path in paths:
                arcname = path.lstrip("/")
                for d in _parents(arcname, dirs):
                    ti = tarfile.TarInfo(d)
                    ti.type, ti.mode = tarfile.DIRTYPE, 0o755
                    tar.addfile(_normalise(ti))
                files += _add_file(tar, path, arcname)
        sink.finish()
    digest = "sha256:" + sink.blob.hexdigest()
    os.replace(tmp, os.path.join(blobs_dir, sink.blob.hexdigest()))
    return LayerInfo(digest, sink.csize, "sha256:" + sink.diff.hexdigest(), sink.usize, files)


def _add_file(tar: tarfile.TarFile, path: str, arcname: str) -> int:
    try:
        ti = _normalise(tar.gettarinfo(path, arcname))
        if not ti.isreg():
            tar.addfile(ti)
            return 1
        with open(path, "rb") as f:
            tar.addfile(ti, f)
        return 1
    except (OSError, tarfile.TarError):  # vanished or unreadable: skip it (the layer stays valid)
        return 0


# -- layouts ------------------------------------------------------------------------------------------------


def _canonical(obj: object) -> bytes:
    return json.dumps(obj, separators=(",", ":"), sort_keys=True).encode()


def _put_blob(blobs_dir: str, data: bytes) -> tuple[str, int]:
    hexd = hashlib.sha256(data).hexdigest()
    with open(os.path.join(blobs_dir, hexd), "wb") as f:
        f.write(data)
    return "sha256:" + hexd, len(data)


def go_arch() -> str:
    m = platform.machine().lower()
    return {"x86_64": "amd64", "aarch64": "arm64", "armv7l": "arm", "i686": "386"}.get(m, m)


def image_config(diff_ids: list[str], label: str, history: list[str]) -> bytes:
    return _canonical({
        "created": CREATED, "architecture": go_arch(), "os": "linux",
        "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
                   "Cmd": ["/bin/sh"], "Labels": {"io.estiba.benchmark": label}},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": [{"created": CREATED, "created_by": h} for h in history],
    })


def write_image(blobs_dir: str, layers: list[LayerInfo], label: str, history: list[str]) -> tuple[dict, str]:
    """Config + manifest blobs for `layers`; returns (index descriptor without annotations, config digest)."""
    cfg_digest, cfg_size = _put_blob(blobs_dir, image_config([la.diff_id for la in layers], label, history))
    manifest = _canonical({
        "schemaVersion": 2, "mediaType": OCI_MANIFEST,
        "config": {"mediaType": OCI_CONFIG, "digest": cfg_digest, "size": cfg_size},
        "layers": [{"mediaType": OCI_LAYER_GZIP, "digest": la.digest, "size": la.size} for la in layers],
    })
    m_digest, m_size = _put_blob(blobs_dir, manifest)
    return {"mediaType": OCI_MANIFEST, "digest": m_digest, "size": m_size}, cfg_digest


def finish_layout(layout: str, descriptors: list[dict]) -> None:
    with open(os.path.join(layout, "oci-layout"), "wb") as f:
        f.write(b'{"imageLayoutVersion":"1.0.0"}')
    with open(os.path.join(layout, "index.json"), "wb") as f:
        f.write(_canonical({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": descriptors}))


def new_layout(path: str) -> str:
    shutil.rmtree(path, ignore_errors=True)
    blobs = os.path.join(path, "blobs", "sha256")
    os.makedirs(blobs)
    return blobs


def write_oci_archive(layout: str, out: str) -> None:
    """A tar of the layout: oci-layout, index.json, then the blobs (sorted), owned by root."""
    tmp = out + ".tmp"
    with tarfile.open(tmp, "w", format=tarfile.PAX_FORMAT) as tar:
        for rel in ("oci-layout", "index.json", "blobs", "blobs/sha256"):
            tar.add(os.path.join(layout, rel), rel, recursive=False, filter=_normalise)
        for name in sorted(os.listdir(os.path.join(layout, "blobs", "sha256"))):
            rel = f"blobs/sha256/{name}"
            tar.add(os.path.join(layout, rel), rel, filter=_normalise)
    os.replace(tmp, out)


# -- skopeo (builds the docker-archive, checks the layout) ---------------------------------------------------


def skopeo_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("REGISTRY_")}


def skopeo_argv(skopeo: str, tmpdir: str, *args: str) -> list[str]:
    return [skopeo, "--insecure-policy", "--tmpdir", tmpdir, *args]


def _skopeo(skopeo: str, tmpdir: str, *args: str) -> str:
    os.makedirs(tmpdir, exist_ok=True)
    proc = subprocess.run(skopeo_argv(skopeo, tmpdir, *args), capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, env=skopeo_env())
    if proc.returncode != 0:
        raise BuildError(f"skopeo {' '.join(args)} failed: {proc.stderr.strip()[-500:]}")
    return proc.stdout


def check_layout(skopeo: str, tmpdir: str, layout: str, name: str, layers: int) -> None:
    doc = json.loads(_skopeo(skopeo, tmpdir, "inspect", f"oci:{layout}:{name}"))
    if len(doc.get("Layers") or []) != layers:
        raise BuildError(f"skopeo inspect oci:{layout}:{name} shows {doc.get('Layers')}, expected {layers} layers")


# -- the cached build ---------------------------------------------------------------------------------------


def size_label(total: int) -> str:
    return f"{total / 1e9:g}g" if total >= 1e9 else f"{total / 1e6:g}m"


def build_images(workdir: str, total: int, kinds: tuple[str, ...], skopeo: str, log=print) -> dict[str, ImageInputs]:
    """The inputs for every kind in `kinds` (built once, then read from workdir/inputs/<size>-v<N>/)."""
    base = os.path.join(workdir, "inputs", f"{size_label(total)}-v{BUILD_VERSION}")
    os.makedirs(base, exist_ok=True)
    groups: list[list[str]] | None = None
    out = {}
    for kind in kinds:
        meta_path = os.path.join(base, kind, "inputs.json")
        if os.path.exists(meta_path):
            with open(meta_path) as f:
                meta = json.load(f)
            meta["layers"] = [LayerInfo(**la) for la in meta["layers"]]
            out[kind] = ImageInputs(**meta)
            continue
        if groups is None:
            log(f"walking {', '.join(ROOTS)} for {total / 1e6:.0f} MB of real files ...")
            groups = plan_layers(total, LAYER_SHARES, real_files(exclude=(workdir,)))
        out[kind] = _build_one(base, kind, groups, skopeo, log)
        with open(meta_path, "w") as f:
            json.dump(asdict(out[kind]), f, indent=1)
    return out


def _build_one(base: str, kind: str, groups: list[list[str]], skopeo: str, log) -> ImageInputs:
    d = os.path.join(base, kind)
    os.makedirs(d, exist_ok=True)
    name = f"localhost/bench/{kind}:latest"
    img = ImageInputs(kind, name, os.path.join(d, "layout"), os.path.join(d, "image.oci.tar"),
                      os.path.join(d, "image.docker.tar"))
    blobs = new_layout(img.layout)
    parts = groups if kind == "multi" else [[p for g in groups for p in g]]
    for i, paths in enumerate(parts):
        log(f"[{kind}] layer {i + 1}/{len(parts)}: {len(paths)} files, gzip ({GZIP_LIB} level {GZIP_LEVEL}) ...")
        img.layers.append(write_layer(paths, blobs))
    history = [f"COPY /usr part {i + 1} (real files) # estiba benchmark" for i in range(len(parts))]
    desc, img.config_digest = write_image(blobs, img.layers, kind, history)
    img.manifest_digest = desc["digest"]
    finish_layout(img.layout, [{**desc, "annotations": {REF_NAME: name}}])
    tmpdir = os.path.join(base, "skopeo-tmp")
    check_layout(skopeo, tmpdir, img.layout, name, len(img.layers))
    log(f"[{kind}] oci-archive ...")
    write_oci_archive(img.layout, img.oci_archive)
    log(f"[{kind}] docker-archive (skopeo copy) ...")
    if os.path.exists(img.docker_archive):
        os.unlink(img.docker_archive)
    _skopeo(skopeo, tmpdir, "copy", "-q", f"oci:{img.layout}:{name}", f"docker-archive:{img.docker_archive}:{name}")
    shutil.rmtree(tmpdir, ignore_errors=True)
    return img


def build_many(workdir: str, count: int, skopeo: str, log=print) -> tuple[str, list[str]]:
    """An OCI layout of `count` small images (one shared ~1 MB real-file layer, distinct configs): (layout, names)."""
    base = os.path.join(workdir, "inputs", f"many-{count}-v{BUILD_VERSION}")
    layout = os.path.join(base, "layout")
    names = [f"localhost/bench/many-{i:03d}:latest" for i in range(count)]
    if os.path.exists(os.path.join(base, "done")):
        return layout, names
    log(f"building {count} small images ...")
    blobs = new_layout(layout)
    layer = write_layer(plan_layers(1 << 20, (1.0,), real_files(("/usr/share",)))[0], blobs)
    descriptors = []
    for i, name in enumerate(names):
        desc, _ = write_image(blobs, [layer], f"many-{i}", ["COPY /usr/share part # estiba benchmark"])
        descriptors.append({**desc, "annotations": {REF_NAME: name}})
    finish_layout(layout, descriptors)
    tmpdir = os.path.join(base, "skopeo-tmp")
    check_layout(skopeo, tmpdir, layout, names[0], 1)
    shutil.rmtree(tmpdir, ignore_errors=True)
    with open(os.path.join(base, "done"), "w") as f:
        f.write("ok\n")
    return layout, names
