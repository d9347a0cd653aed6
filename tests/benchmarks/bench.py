"""Estiba against skopeo on the same machine, same inputs, same run (not part of the unit test run).

Builds a realistic image from real files on this machine (tests/benchmarks/inputs.py: `multi`, 5 layers of
different sizes, and `single`, the same files in one layer), runs every operation with `estiba` and with the
closest skopeo command, alternating them, --reps times each (5 by default: the ratio targets are judged on
medians of at least 5), and prints a table (medians with the min and max of each side, ratio Estiba/skopeo, peak
RSS of both, the machine's 1-min load average while the operation ran) plus the checks (gzip output size, hard
links, start-up), and writes it all as JSON. A row whose runs spread too widely to trust its ratio (either side's
max-min over its median above SPREAD_LIMIT, or a ratio range that straddles the target) is flagged with `!` and
named in a warning under the table.

    .venv/bin/python -m tests.benchmarks.bench                      # 1 GB inputs, 5 reps, every operation
    .venv/bin/python -m tests.benchmarks.bench --size-gb 3 --images multi --reps 1
    .venv/bin/python -m tests.benchmarks.bench --only save-docker-archive,push-cold
    .venv/bin/python -m tests.benchmarks.bench --profile save-docker-archive   # py-spy or pyinstrument

The fair skopeo stand-in for Estiba's store (content-addressed like an OCI layout) is an OCI layout: load X is
`skopeo copy X oci:FRESH`, save F is `skopeo copy oci:LAYOUT F:OUT`. Estiba saves and pushes from a store
pre-loaded once from the layout; every load and pull goes into a fresh store. Page caches stay warm (the
inputs fit in RAM); os.sync() runs before every timed command so one tool's write-back is not charged to the
other. Inputs are cached in --workdir, so re-runs skip the build.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tarfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `tests.benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks import inputs  # noqa: E402
from tests.benchmarks.inputs import ImageInputs  # noqa: E402
from tests.benchmarks.registry import Registry  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
DEFAULT_WORKDIR = "/tmp/estiba-bench"
SKOPEO, ESTIBA = "skopeo", "estiba"
RSS_LIMIT_MB = 100  # issue 15
STARTUP_LIMIT_S = 0.3
REPUSH_LIMIT_S = 0.5
GZIP_SIZE_LIMIT = 1.10
DEFAULT_REPS = 5
SPREAD_LIMIT = 0.25  # (max - min) / median of one side above this: the ratio is not to be trusted
LOAD_SAMPLE_S = 0.5  # how often /proc/loadavg is read while a command runs


class BenchError(Exception):
    pass


# -- what is measured -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    ratio: float | None = None  # Estiba median / skopeo median at most this
    seconds: float | None = None  # Estiba median under this (wall)

    def describe(self) -> str:
        parts = []
        if self.ratio is not None:
            parts.append(f"<={self.ratio:g}x")
        if self.seconds is not None:
            parts.append(f"<{self.seconds:g}s")
        return " ".join(parts)


@dataclass
class Sample:
    seconds: float
    rss_kb: int
    cpu: float  # user + system seconds of the child
    rc: int
    error: str = ""
    loadavg: float = 0.0  # highest 1-min load average seen while the command ran

    def as_json(self) -> dict:
        return {"seconds": round(self.seconds, 4), "rss_mb": round(self.rss_kb / 1024, 1), "cpu": round(self.cpu, 3),
                "loadavg": round(self.loadavg, 2)}


# An operation is a generator function (bench, image, tool, scratch dir) that does its untimed set-up, yields the
# argv to time, receives the Sample, checks the output and returns facts (a dict) for the checks.
OpFn = Callable[["Bench", "ImageInputs | None", str, str], Generator[list[str], Sample, dict | None]]


@dataclass
class Op:
    key: str
    title: str
    target: Target
    fn: OpFn
    per_image: bool = True
    note: str = ""


@dataclass
class Row:
    op: Op
    image: str  # "multi", "single" or "" for the global operations
    samples: dict[str, list[Sample]] = field(default_factory=lambda: {SKOPEO: [], ESTIBA: []})
    errors: dict[str, str] = field(default_factory=dict)
    commands: dict[str, list[str]] = field(default_factory=dict)
    facts: dict[str, dict] = field(default_factory=lambda: {SKOPEO: {}, ESTIBA: {}})
    loadavg: list[float] = field(default_factory=list)  # 1-min load average before each rep: other work = noise

    def median(self, tool: str) -> float | None:
        s = self.samples[tool]
        return statistics.median(x.seconds for x in s) if s else None

    def spread(self, tool: str) -> tuple[float, float] | None:
        """(min, max) seconds of one side."""
        s = [x.seconds for x in self.samples[tool]]
        return (min(s), max(s)) if s else None

    def ratio_range(self) -> tuple[float, float] | None:
        """The lowest and highest ratio the runs allow: fastest Estiba over slowest skopeo, and back."""
        sk, es = self.spread(SKOPEO), self.spread(ESTIBA)
        if not sk or not es or not sk[0] or not sk[1]:
            return None
        return es[0] / sk[1], es[1] / sk[0]

    def load(self) -> float | None:
        """Median of the highest 1-min load average seen during each run of either side."""
        loads = [x.loadavg for tool in (SKOPEO, ESTIBA) for x in self.samples[tool]]
        return statistics.median(loads) if loads else None

    def too_spread(self) -> list[str]:
        """Why the ratio cannot be trusted ([] = it can)."""
        out = []
        for tool in (SKOPEO, ESTIBA):
            sp, med = self.spread(tool), self.median(tool)
            if sp and med and len(self.samples[tool]) > 1 and (sp[1] - sp[0]) / med > SPREAD_LIMIT:
                out.append(f"{tool} runs spread {100 * (sp[1] - sp[0]) / med:.0f}% of the median")
        limit, rr = self.op.target.ratio, self.ratio_range()
        if limit is not None and rr is not None and rr[0] <= limit < rr[1]:
            out.append(f"ratio range {rr[0]:.2f}-{rr[1]:.2f} straddles the {limit:g} target")
        return out

    def rss_mb(self, tool: str) -> float | None:
        s = self.samples[tool]
        return max(x.rss_kb for x in s) / 1024 if s else None

    def cpu(self, tool: str) -> float | None:
        s = self.samples[tool]
        return statistics.median(x.cpu for x in s) if s else None

    def ratio(self) -> float | None:
        sk, es = self.median(SKOPEO), self.median(ESTIBA)
        return es / sk if sk and es is not None else None

    def failures(self) -> list[str]:
        """Why the row misses its targets ([] = pass); None-safe: an Estiba error is reported separately."""
        out = []
        t = self.op.target
        ratio, med, rss = self.ratio(), self.median(ESTIBA), self.rss_mb(ESTIBA)
        if t.ratio is not None and ratio is not None and ratio > t.ratio:
            out.append("ratio")
        if t.seconds is not None and med is not None and med >= t.seconds:
            out.append("time")
        if rss is not None and rss > RSS_LIMIT_MB:
            out.append("rss")
        return out

    def result(self) -> str:
        if ESTIBA in self.errors:
            return "n/a (error)"
        if not self.samples[ESTIBA]:
            return "n/a"
        if self.op.target.ratio is not None and self.ratio() is None and self.op.target.seconds is None:
            return "n/a (no skopeo)"
        bad = self.failures()
        return "FAIL " + ",".join(bad) if bad else "pass"

    def as_json(self) -> dict:
        return {
            "op": self.op.key, "title": self.op.title, "image": self.image or None,
            "target": {"ratio": self.op.target.ratio, "seconds": self.op.target.seconds, "rss_mb": RSS_LIMIT_MB},
            "commands": {k: " ".join(v) for k, v in self.commands.items()},
            "samples": {k: [s.as_json() for s in v] for k, v in self.samples.items()},
            "median_seconds": {k: _round(self.median(k)) for k in (SKOPEO, ESTIBA)},
            "min_seconds": {k: _round(sp[0] if (sp := self.spread(k)) else None) for k in (SKOPEO, ESTIBA)},
            "max_seconds": {k: _round(sp[1] if (sp := self.spread(k)) else None) for k in (SKOPEO, ESTIBA)},
            "ratio_range": [_round(x, 3) for x in rr] if (rr := self.ratio_range()) else None,
            "loadavg_during": _round(self.load(), 2),
            "spread_warning": self.too_spread(),
            "median_cpu_seconds": {k: _round(self.cpu(k)) for k in (SKOPEO, ESTIBA)},
            "peak_rss_mb": {k: _round(self.rss_mb(k), 1) for k in (SKOPEO, ESTIBA)},
            "ratio": _round(self.ratio(), 3),
            "errors": self.errors,
            "facts": self.facts,
            "loadavg_before_reps": self.loadavg,
            "result": self.result(),
            "pass": self.result() == "pass",
            "note": self.op.note or None,
        }


def _round(x: float | None, nd: int = 4) -> float | None:
    return None if x is None else round(x, nd)


# -- the bench: tools, stores, registries -------------------------------------------------------------------


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.workdir = os.path.abspath(args.workdir)
        self.estiba_bin = args.estiba
        self.skopeo_bin = args.skopeo
        self.registry_bin = args.registry
        self.timeout = args.timeout
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("REGISTRY_", "ESTIBA_"))}
        self.skopeo_tmp = os.path.join(self.workdir, "skopeo-tmp")
        os.makedirs(self.skopeo_tmp, exist_ok=True)
        self.time_bin = args.time if args.time and os.access(args.time, os.X_OK) else None
        self.rss_method = "GNU time %M" if self.time_bin else "wait4 ru_maxrss (floor: the benchmark's own RSS)"
        self.images: dict[str, ImageInputs] = {}
        self.many_layout = ""
        self.many_names: list[str] = []
        self._stores: dict[str, str] = {}
        self._registries: dict[str, Registry] = {}
        self._seed_errors: dict[str, str] = {}

    # commands
    def skopeo(self, *args: str) -> list[str]:
        return inputs.skopeo_argv(self.skopeo_bin, self.skopeo_tmp, *args)

    def estiba(self, *args: str) -> list[str]:
        return [self.estiba_bin, *args]

    def run(self, argv: list[str]) -> Sample:
        """Run argv, timing it (wall) and taking its peak RSS and CPU time. /usr/bin/time measures them: a child
        forked from this Python process would inherit its RSS high-water mark as a floor (kept across exec)."""
        err_path = os.path.join(self.workdir, "last-stderr.txt")
        usage_path = os.path.join(self.workdir, "last-usage.txt")
        if self.time_bin:
            argv = [self.time_bin, "-f", "%M %U %S", "-o", usage_path, *argv]
        with open(err_path, "wb") as err:
            loads = [os.getloadavg()[0]]
            stop = threading.Event()
            watcher = threading.Thread(target=_watch_load, args=(loads, stop), daemon=True)
            t0 = time.perf_counter()
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
                                    env=self.env, cwd=self.workdir, start_new_session=True)
            watcher.start()
            timer = threading.Timer(self.timeout, os.killpg, (proc.pid, signal.SIGKILL))
            timer.start()
            try:
                _, status, usage = os.wait4(proc.pid, 0)
            finally:
                timer.cancel()
                stop.set()
            seconds = time.perf_counter() - t0
            watcher.join()
            loads.append(os.getloadavg()[0])
        proc.returncode = rc = os.waitstatus_to_exitcode(status)
        rss_kb, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
        if self.time_bin:
            rss_kb, cpu = _read_usage(usage_path, rss_kb, cpu)
        error = ""
        if rc != 0:
            error = _last_line(err_path) or f"exit status {rc}"
            if seconds >= self.timeout:
                error = f"killed after the {self.timeout:g} s timeout: {error}"
        return Sample(seconds, rss_kb, cpu, rc, error, max(loads))

    def check(self, argv: list[str], what: str) -> None:
        sample = self.run(argv)
        if sample.rc != 0:
            raise BenchError(f"{what} failed: {sample.error}")

    def scratch(self, name: str) -> str:
        path = os.path.join(self.workdir, "run", name)
        shutil.rmtree(path, ignore_errors=True)
        os.makedirs(path)
        return path

    # Estiba stores loaded once per run
    def store(self, img: ImageInputs) -> str:
        """A store holding `img`, loaded from its OCI layout (once per run)."""
        if img.kind not in self._stores:
            path = os.path.join(self.workdir, "stores", img.kind)
            shutil.rmtree(path, ignore_errors=True)
            self._stores[img.kind] = ""
            self.check(self.estiba("--store", path, "load", "-q", "-i", img.layout), "pre-loading Estiba's store")
            self._stores[img.kind] = path
        if not self._stores[img.kind]:
            raise BenchError("pre-loading Estiba's store failed (see the first error)")
        return self._stores[img.kind]

    def docker_store(self, img: ImageInputs) -> str:
        """A store holding `img` loaded from its docker-archive: uncompressed layers, gzipped on a push."""
        key = f"{img.kind}-docker"
        if key not in self._stores:
            path = os.path.join(self.workdir, "stores", key)
            shutil.rmtree(path, ignore_errors=True)
            self._stores[key] = ""
            self.check(self.estiba("--store", path, "load", "-q", "-i", img.docker_archive),
                       "pre-loading Estiba's store from the docker-archive")
            self._stores[key] = path
        if not self._stores[key]:
            raise BenchError("pre-loading Estiba's store from the docker-archive failed (see the first error)")
        return self._stores[key]

    def many_store(self) -> str:
        if "many" not in self._stores:
            path = os.path.join(self.workdir, "stores", "many")
            shutil.rmtree(path, ignore_errors=True)
            self._stores["many"] = ""
            self.check(self.estiba("--store", path, "load", "-q", "-i", self.many_layout),
                       f"loading {len(self.many_names)} images into Estiba's store")
            self._stores["many"] = path
        if not self._stores["many"]:
            raise BenchError("loading the many-images store failed (see the first error)")
        return self._stores["many"]

    def seeded_registry(self, img: ImageInputs) -> Registry:
        """A registry where skopeo pushed `img` to bench/<kind>-warm and bench/<kind>-pull (untimed, once)."""
        if img.kind in self._seed_errors:
            raise BenchError(self._seed_errors[img.kind])
        if img.kind not in self._registries:
            reg = Registry(os.path.join(self.workdir, "registries", img.kind), self.registry_bin)
            try:
                reg.start()
                for repo in ("warm", "pull"):
                    self.check(self.skopeo("copy", "-q", "--dest-tls-verify=false", f"oci:{img.layout}:{img.name}",
                                           f"docker://{reg.address}/bench/{img.kind}-{repo}:t"), "seeding the registry")
            except Exception as exc:
                reg.stop()
                self._seed_errors[img.kind] = f"{exc}"
                raise
            self._registries[img.kind] = reg
        return self._registries[img.kind]

    def close(self) -> None:
        for reg in self._registries.values():
            reg.stop()
        self._registries.clear()


def _watch_load(loads: list[float], stop: threading.Event) -> None:
    """The 1-min load average every LOAD_SAMPLE_S while a command runs (the kernel updates it every 5 s)."""
    while not stop.wait(LOAD_SAMPLE_S):
        loads.append(os.getloadavg()[0])


def _read_usage(path: str, rss_kb: int, cpu: float) -> tuple[int, float]:
    """`%M %U %S` from /usr/bin/time's output file (its last line; earlier ones say how the command ended)."""
    try:
        with open(path) as f:
            fields = f.read().split("\n")[-2].split()
        return int(fields[0]), float(fields[1]) + float(fields[2])
    except (OSError, IndexError, ValueError):
        return rss_kb, cpu


def _last_line(path: str) -> str:
    try:
        with open(path, errors="replace") as f:
            lines = [ln.strip() for ln in f.read()[-4000:].splitlines() if ln.strip()]
    except OSError:
        return ""
    return lines[-1][:300] if lines else ""


# -- the operations -------------------------------------------------------------------------------------------


def _link_facts(img: ImageInputs, out_dir: str, source_blobs: str) -> dict:
    """How many of img's layers in out_dir (found by hex name, as OCI layouts and dir: name them) share an inode
    with the same blob in source_blobs."""
    want = {la.digest.split(":", 1)[1] for la in img.layers}
    found: dict[str, os.stat_result] = {}
    for dirpath, _, names in os.walk(out_dir):
        for name in names:
            if name in want:
                found[name] = os.lstat(os.path.join(dirpath, name))
    linked = 0
    for hexd, st in found.items():
        try:
            src = os.stat(os.path.join(source_blobs, hexd))
        except OSError:
            continue
        linked += (src.st_dev, src.st_ino) == (st.st_dev, st.st_ino)
    return {"layers": len(want), "layers_found": len(found), "layers_hardlinked": linked}


def _store_blobs(store: str) -> str:
    return os.path.join(store, "blobs", "sha256")


def op_load_archive(kind: str) -> OpFn:
    def fn(b: Bench, img: ImageInputs, tool: str, out: str):
        src = img.oci_archive if kind == "oci" else img.docker_archive
        if tool == SKOPEO:
            yield b.skopeo("copy", "-q", f"{kind}-archive:{src}", f"oci:{out}/store:{img.name}")
        else:
            yield b.estiba("--store", f"{out}/store", "load", "-q", "-i", src)
    return fn


def op_load_dir(b: Bench, img: ImageInputs, tool: str, out: str):
    if tool == SKOPEO:
        sample = yield b.skopeo("copy", "-q", f"oci:{img.layout}:{img.name}", f"oci:{out}/store:{img.name}")
    else:
        sample = yield b.estiba("--store", f"{out}/store", "load", "-q", "-i", img.layout)
    if sample.rc == 0:
        return _link_facts(img, f"{out}/store", os.path.join(img.layout, "blobs", "sha256"))
    return None


SKOPEO_DEST = {"docker-archive": "docker-archive:{out}:{name}", "oci-archive": "oci-archive:{out}:{name}",
               "oci-dir": "oci:{out}:{name}", "docker-dir": "dir:{out}"}


def op_save(fmt: str) -> OpFn:
    def fn(b: Bench, img: ImageInputs, tool: str, out: str):
        dest = os.path.join(out, "out" + (".tar" if fmt.endswith("archive") else ""))
        if tool == SKOPEO:
            extra = ["--format", "v2s2"] if fmt == "docker-dir" else []
            sample = yield b.skopeo("copy", "-q", *extra, f"oci:{img.layout}:{img.name}",
                                    SKOPEO_DEST[fmt].format(out=dest, name=img.name))
            source_blobs = os.path.join(img.layout, "blobs", "sha256")
        else:
            store = b.store(img)
            sample = yield b.estiba("--store", store, "save", "-q", "--format", fmt, "-o", dest, img.name)
            source_blobs = _store_blobs(store)
        if sample.rc == 0 and fmt.endswith("dir"):
            return _link_facts(img, dest, source_blobs)
        return None
    return fn


def _oci_archive_layer_bytes(path: str) -> int:
    """Sum of the layer sizes of every manifest an oci-archive's index.json lists."""
    with tarfile.open(path) as tar:
        def doc(name: str) -> dict:
            f = tar.extractfile(name)
            if f is None:
                raise BenchError(f"{path}: {name} is not a file")
            return json.load(f)

        names = {m.name.removeprefix("./") for m in tar.getmembers()}
        tar_name = {m.name.removeprefix("./"): m.name for m in tar.getmembers()}
        if "index.json" not in names:
            raise BenchError(f"{path} has no index.json")
        total = 0
        for desc in doc(tar_name["index.json"]).get("manifests", []):
            algo, hexd = desc["digest"].split(":", 1)
            manifest = doc(tar_name[f"blobs/{algo}/{hexd}"])
            total += sum(int(layer["size"]) for layer in manifest.get("layers", []))
        return total


def op_copy_compress(b: Bench, img: ImageInputs, tool: str, out: str):
    dest = os.path.join(out, "out.oci.tar")
    src, dst = f"docker-archive:{img.docker_archive}", f"oci-archive:{dest}"
    if tool == SKOPEO:
        sample = yield b.skopeo("copy", "-q", src, dst)
    else:
        sample = yield b.estiba("--store", f"{out}/store", "copy", "-q", src, dst)
    if sample.rc == 0:
        return {"layer_bytes": _oci_archive_layer_bytes(dest), "archive_bytes": os.path.getsize(dest)}
    return None


def _push_argv(b: Bench, img: ImageInputs, tool: str, dest: str) -> list[str]:
    if tool == SKOPEO:
        return b.skopeo("copy", "-q", "--dest-tls-verify=false", f"oci:{img.layout}:{img.name}", dest)
    return b.estiba("--store", b.store(img), "push", "-q", img.name, dest)


def op_push_cold(b: Bench, img: ImageInputs, tool: str, out: str):
    # A new, empty registry on a new port for every sample: nothing to mount or skip (skopeo's blob-info cache
    # only knows other ports).
    argv = _push_argv(b, img, tool, "")  # pre-loads the store before the registry starts
    with Registry(os.path.join(out, "registry"), b.registry_bin) as reg:
        argv[-1] = f"docker://{reg.address}/bench/{img.kind}:t"
        yield argv
    return None


def op_push_gzip(b: Bench, img: ImageInputs, tool: str, out: str):
    # Issue 15's "push of a docker-archive-loaded image": every layer is gzipped on the way, by both tools.
    if tool == SKOPEO:
        argv = b.skopeo("copy", "-q", "--dest-tls-verify=false", f"docker-archive:{img.docker_archive}", "")
    else:
        argv = b.estiba("--store", b.docker_store(img), "push", "-q", img.name, "")
    with Registry(os.path.join(out, "registry"), b.registry_bin) as reg:
        argv[-1] = f"docker://{reg.address}/bench/{img.kind}-gz:t"
        yield argv
    return None


def op_push_warm(b: Bench, img: ImageInputs, tool: str, out: str):
    reg = b.seeded_registry(img)
    yield _push_argv(b, img, tool, f"docker://{reg.address}/bench/{img.kind}-warm:t")
    return None


def op_pull(b: Bench, img: ImageInputs, tool: str, out: str):
    reg = b.seeded_registry(img)
    src = f"docker://{reg.address}/bench/{img.kind}-pull:t"
    if tool == SKOPEO:
        yield b.skopeo("copy", "-q", "--src-tls-verify=false", src, f"oci:{out}/store:{img.name}")
    else:
        yield b.estiba("--store", f"{out}/store", "pull", "-q", src)
    return None


def op_images(b: Bench, img: None, tool: str, out: str):
    if tool == SKOPEO:  # closest: read a layout's index of N images
        yield b.skopeo("inspect", "--raw", f"oci:{b.many_layout}:{b.many_names[0]}")
    else:
        yield b.estiba("--store", b.many_store(), "images")
    return None


def op_help(b: Bench, img: None, tool: str, out: str):
    yield b.skopeo("--help") if tool == SKOPEO else b.estiba("--help")
    return None


# Issue 15's targets: (de)compressing work <= 0.25 of skopeo, hard-linked directories <= 0.1, the network
# paths <= 0.8; the loads that only move bytes keep the earlier 0.5 / 0.8.
GZIP, LINKS, NET = Target(ratio=0.25), Target(ratio=0.1), Target(ratio=0.8)
CONVERT, MOVE = Target(ratio=0.5), Target(ratio=0.8)
OPS = [
    Op("load-oci-archive", "load oci-archive", MOVE, op_load_archive("oci")),
    Op("load-docker-archive", "load docker-archive", CONVERT, op_load_archive("docker")),
    Op("load-oci-dir", "load oci-dir", LINKS, op_load_dir, note="same filesystem: should hard-link"),
    Op("save-docker-archive", "save docker-archive", GZIP, op_save("docker-archive")),
    Op("save-oci-archive", "save oci-archive", MOVE, op_save("oci-archive")),
    Op("save-oci-dir", "save oci-dir", LINKS, op_save("oci-dir"), note="same filesystem: should hard-link"),
    Op("save-docker-dir", "save docker-dir", LINKS, op_save("docker-dir"), note="same filesystem: should hard-link"),
    Op("copy-docker-archive-oci-archive", "copy docker-archive->oci-archive", GZIP, op_copy_compress),
    Op("push-cold", "push (cold registry)", NET, op_push_cold),
    Op("push-gzip", "push, gzip on the way (cold)", GZIP, op_push_gzip,
       note="Estiba: a store loaded from the docker-archive; skopeo: from the docker-archive"),
    Op("push-warm", "push (every blob present)", Target(seconds=REPUSH_LIMIT_S), op_push_warm,
       note="both tools re-push to a repository skopeo filled beforehand (untimed)"),
    Op("pull", "pull", NET, op_pull, note="Estiba: into its store; skopeo: into an OCI layout"),
    Op("images", "images (N-image store)", Target(seconds=STARTUP_LIMIT_S), op_images, per_image=False,
       note="skopeo: inspect --raw of one image of the N-image layout"),
    Op("help", "--help", Target(seconds=STARTUP_LIMIT_S), op_help, per_image=False),
]
OPS_BY_KEY = {op.key: op for op in OPS}


# -- running ----------------------------------------------------------------------------------------------------


def measure_once(b: Bench, op: Op, img: ImageInputs | None, tool: str, row: Row, wrap=None) -> Sample | None:
    """One timed run of `op` by `tool`: set-up, run, checks, clean-up. Errors land in row.errors."""
    out = b.scratch(tool)
    gen = op.fn(b, img, tool, out)
    try:
        try:
            argv = next(gen)
        except (BenchError, inputs.BuildError, OSError, RuntimeError) as exc:
            row.errors[tool] = f"set-up: {exc}"
            return None
        except Exception as exc:  # the registry helper and friends: still one line
            row.errors[tool] = f"set-up: {exc.__class__.__name__}: {exc}"
            return None
        row.commands[tool] = argv
        os.sync()
        sample = b.run(wrap(argv) if wrap else argv)
        try:
            gen.send(sample)
        except StopIteration as stop:
            row.facts[tool].update(stop.value or {})
        except Exception as exc:
            row.errors[tool] = f"checking the output: {exc.__class__.__name__}: {exc}"
            return None
        if sample.rc != 0:
            row.errors[tool] = sample.error
            return None
        row.samples[tool].append(sample)
        return sample
    finally:
        gen.close()
        shutil.rmtree(out, ignore_errors=True)


def run_row(b: Bench, op: Op, img: ImageInputs | None, reps: int, log) -> Row:
    row = Row(op, img.kind if img else "")
    for rep in range(reps):
        row.loadavg.append(round(os.getloadavg()[0], 2))
        done = []
        for tool in (SKOPEO, ESTIBA) if rep % 2 == 0 else (ESTIBA, SKOPEO):
            if tool in row.errors:
                continue
            sample = measure_once(b, op, img, tool, row)
            done.append(f"{tool} {sample.seconds:.2f} s, {sample.rss_kb / 1024:.0f} MB" if sample else
                        f"{tool} error: {row.errors[tool][:160]}")
        log(f"  {op.title} [{row.image or '-'}] rep {rep + 1}/{reps}: " + "; ".join(done))
    return row


# -- output ---------------------------------------------------------------------------------------------------


def _fmt_s(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}" if x < 1 else f"{x:.2f}"


def _fmt_mb(x: float | None) -> str:
    return "-" if x is None else f"{x:.0f}"


def _fmt_spread(r: Row, tool: str) -> str:
    sp = r.spread(tool)
    return "-" if sp is None else f"{_fmt_s(sp[0])}-{_fmt_s(sp[1])}"


def table(rows: list[Row]) -> str:
    head = ("operation", "image", "skopeo s", "min-max", "Estiba s", "min-max", "ratio", "target", "load",
            "skopeo MB", "Estiba MB", "skopeo cpu", "Estiba cpu", "result")
    lines = [head]
    for r in rows:
        ratio, load = r.ratio(), r.load()
        ratio_text = "-" if ratio is None else f"{ratio:.2f}" + ("!" if r.too_spread() else "")
        lines.append((r.op.title, r.image or "-", _fmt_s(r.median(SKOPEO)), _fmt_spread(r, SKOPEO),
                      _fmt_s(r.median(ESTIBA)), _fmt_spread(r, ESTIBA), ratio_text, r.op.target.describe(),
                      "-" if load is None else f"{load:.1f}", _fmt_mb(r.rss_mb(SKOPEO)), _fmt_mb(r.rss_mb(ESTIBA)),
                      _fmt_s(r.cpu(SKOPEO)), _fmt_s(r.cpu(ESTIBA)), r.result()))
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    out = []
    for n, line in enumerate(lines):
        cells = [c.ljust(widths[i]) if i in (0, 1, 7, 13) else c.rjust(widths[i]) for i, c in enumerate(line)]
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def spread_warnings(rows: list[Row]) -> list[str]:
    return [f"{r.op.title} [{r.image or '-'}]: " + "; ".join(why) for r in rows if (why := r.too_spread())]


def error_notes(rows: list[Row]) -> list[str]:
    out = []
    for r in rows:
        for tool, err in r.errors.items():
            out.append(f"{tool} {r.op.title} [{r.image or '-'}]: {err}")
    return out


def checks(rows: list[Row]) -> list[dict]:
    """The targets that are not per-row ratios: gzip size, hard links, peak RSS over all operations."""
    out = []
    for r in rows:
        if r.op.key == "copy-docker-archive-oci-archive":
            es, sk = r.facts[ESTIBA].get("layer_bytes"), r.facts[SKOPEO].get("layer_bytes")
            if es and sk:
                out.append({"check": f"gzip layer bytes, copy docker-archive->oci-archive [{r.image}]",
                            "estiba": es, "skopeo": sk, "value": round(es / sk, 4), "target": f"<={GZIP_SIZE_LIMIT}",
                            "pass": es / sk <= GZIP_SIZE_LIMIT,
                            "text": f"Estiba {es / 1e6:.1f} MB vs skopeo {sk / 1e6:.1f} MB = {es / sk:.3f}x"})
        f = r.facts[ESTIBA]
        if "layers_hardlinked" in f:
            out.append({"check": f"hard links, {r.op.title} [{r.image}]", "value": f["layers_hardlinked"],
                        "target": f"all {f['layers']} layers", "pass": f["layers_hardlinked"] == f["layers"],
                        "text": f"{f['layers_hardlinked']}/{f['layers']} layers hard-linked "
                                f"(skopeo: {r.facts[SKOPEO].get('layers_hardlinked', '-')})"})
    rss = [(r.rss_mb(ESTIBA), r) for r in rows if r.rss_mb(ESTIBA) is not None]
    if rss:
        peak, worst = max(rss, key=lambda x: x[0])
        out.append({"check": "Estiba peak RSS over all operations", "value": round(peak, 1),
                    "target": f"<={RSS_LIMIT_MB} MB", "pass": peak <= RSS_LIMIT_MB,
                    "text": f"{peak:.0f} MB ({worst.op.title} [{worst.image or '-'}])"})
    return out


def _version(argv: list[str]) -> str:
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"unknown ({exc})"
    return (proc.stdout.strip() or proc.stderr.strip()).splitlines()[0] if proc.returncode == 0 else "unknown"


def _estiba_python(estiba: str) -> str:
    try:
        with open(estiba, "rb") as f:
            first = f.readline().decode(errors="replace")
    except OSError:
        return sys.executable
    return first[2:].strip().split()[0] if first.startswith("#!") else sys.executable


def _fs_of(path: str) -> str:
    best, fstype, dev = "", "unknown", ""
    try:
        with open("/proc/mounts") as f:
            for line in f:
                parts = line.split()
                mnt = parts[1].replace("\\040", " ")
                if (path == mnt or path.startswith(mnt.rstrip("/") + "/")) and len(mnt) >= len(best):
                    best, fstype, dev = mnt, parts[2], parts[0]
    except OSError:
        pass
    return f"{fstype} ({dev} on {best})"


def precompile(b: Bench, log) -> None:
    """Write the bytecode of Estiba's packages, as installing a wheel does. An editable install run with
    PYTHONDONTWRITEBYTECODE set (as in these sessions) otherwise compiles every module from source at every
    start: ~0.1 s of CPU per command, charged to each timed run but never paid by an installed estiba."""
    py = _estiba_python(b.estiba_bin)
    probe = "import os, engine, cli; print(os.path.dirname(engine.__file__)); print(os.path.dirname(cli.__file__))"
    found = subprocess.run([py, "-c", probe], capture_output=True, text=True, env=b.env)
    dirs = found.stdout.splitlines() if found.returncode == 0 else []
    compiled = dirs and subprocess.run([py, "-m", "compileall", "-q", *dirs], capture_output=True, env=b.env)
    if not compiled or compiled.returncode != 0:
        log("warning: could not write Estiba's bytecode: start-up times include compiling it")


def machine(b: Bench) -> dict:
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), cpu)
        with open("/proc/meminfo") as f:
            mem_kb = int(next(ln.split()[1] for ln in f if ln.startswith("MemTotal")))
    except (OSError, StopIteration, ValueError):
        mem_kb = 0
    py = _estiba_python(b.estiba_bin)
    probe = ("import importlib.metadata as m, sys; print(sys.version.split()[0], m.version('estiba'), "
             "m.version('isal'), m.version('zstandard'))")
    pyv = _version([py, "-c", probe]).split()
    return {
        "cpu": cpu, "cores": os.cpu_count(), "cores_usable": len(os.sched_getaffinity(0)),
        "ram_gb": round(mem_kb / 1024 / 1024, 1), "kernel": platform.release(), "os": _os_release(),
        "workdir": b.workdir, "workdir_filesystem": _fs_of(b.workdir),
        "skopeo": _version([b.skopeo_bin, "--version"]), "docker_registry": _version([b.registry_bin, "--version"]),
        "python": pyv[0] if pyv else "unknown", "estiba": pyv[1] if len(pyv) > 1 else "unknown",
        "isal": pyv[2] if len(pyv) > 2 else "unknown", "zstandard": pyv[3] if len(pyv) > 3 else "unknown",
        "estiba_bin": b.estiba_bin, "rss_method": b.rss_method,
    }


def _os_release() -> str:
    try:
        with open("/etc/os-release") as f:
            return next((ln.split("=", 1)[1].strip().strip('"') for ln in f if ln.startswith("PRETTY_NAME=")), "")
    except OSError:
        return ""


def describe_machine(m: dict) -> str:
    return (f"{m['cpu']}, {m['cores_usable']} cores, {m['ram_gb']} GB RAM, {m['os']} (kernel {m['kernel']}); "
            f"workdir {m['workdir']} on {m['workdir_filesystem']}; {m['skopeo']}; {m['docker_registry']}; "
            f"Python {m['python']}, estiba {m['estiba']}, isal {m['isal']}")


def write_json(path: str, b: Bench, rows: list[Row], meta: dict) -> None:
    done_checks = checks(rows)
    doc = {**meta, "results": [r.as_json() for r in rows], "checks": done_checks,
           "summary": {"missed": [f"{r.op.key}[{r.image}]" if r.image else r.op.key for r in rows
                                  if r.result() != "pass"],
                       "checks_failed": [c["check"] for c in done_checks if not c["pass"]]}}
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, indent=1)
    os.replace(tmp, path)


# -- profiling ------------------------------------------------------------------------------------------------


def _profiler(estiba_python: str) -> tuple[str, str] | None:
    venv_bin = os.path.dirname(estiba_python)
    for name in ("py-spy", "pyinstrument"):
        for cand in (os.path.join(venv_bin, name), shutil.which(name)):
            if cand and os.access(cand, os.X_OK):
                return name, cand
    return None


_FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^()]*?)(?::\d+)?\)$")


# Leaf frames where a thread only waits (py-spy still counts some of them as active): reported apart.
_WAITS = ("Condition.wait", "Event.wait", "Thread.join", "Thread._wait_for_tstate_lock", "Queue.get", "Queue.put",
          "Semaphore.acquire", "_worker (thread.py)", "select", "poll", "recv_into", "sleep")


def summarise_raw(path: str, top: int = 15) -> str:
    """Top functions by self and by inclusive samples from py-spy's raw (collapsed) output; samples whose leaf is
    a wait (locks, queues, idle pool workers, sockets) are counted apart."""
    self_c: Counter[str] = Counter()
    incl: Counter[str] = Counter()
    total = waiting = 0
    with open(path, errors="replace") as f:
        for line in f:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            if not stack or not count.isdigit():
                continue
            n = int(count)
            total += n
            keys = []
            for frame in stack.split(";"):
                m = _FRAME.match(frame)
                keys.append(f"{m['func']} ({os.path.basename(m['file'])})" if m else frame)
            if keys[-1].startswith(_WAITS) or keys[-1].split(" (")[0] in _WAITS:
                waiting += n
                continue
            self_c[keys[-1]] += n
            for k in set(keys):
                incl[k] += n
    if not total:
        return "no samples"
    busy = total - waiting
    out = [f"{total} samples (all threads summed); {100 * waiting / total:.1f}% waiting (locks, queues, sockets); "
           f"percentages below are of the {busy} busy samples", "", "self time:"]
    out += [f"  {100 * n / busy:5.1f}%  {k}" for k, n in self_c.most_common(top)]
    out += ["", "inclusive time:"]
    out += [f"  {100 * n / busy:5.1f}%  {k}" for k, n in incl.most_common(top)]
    return "\n".join(out)


def run_profile(b: Bench, op: Op, img: ImageInputs | None, native: bool, log) -> int:
    found = _profiler(_estiba_python(b.estiba_bin))
    if found is None:
        log("no profiler: `.venv/bin/pip install py-spy` (or pyinstrument) first")
        return 2
    kind, prof = found
    pdir = os.path.join(b.workdir, "profiles")
    os.makedirs(pdir, exist_ok=True)
    stem = os.path.join(pdir, f"{op.key}-{img.kind if img else 'global'}")
    if kind == "py-spy":
        out = stem + ".pyspy.txt"

        def wrap(argv: list[str]) -> list[str]:
            return [prof, "record", "--rate", "200", "--format", "raw", "--output", out,
                    *(["--native"] if native else []), "--", *argv]
    else:
        out = stem + ".pyinstrument.txt"

        def wrap(argv: list[str]) -> list[str]:
            return [prof, "--renderer", "text", "--outfile", out, *argv]
    row = Row(op, img.kind if img else "")
    sample = measure_once(b, op, img, ESTIBA, row, wrap=wrap)
    if sample is None:
        log(f"profiling failed: {row.errors.get(ESTIBA)}")
        return 1
    log(f"{op.title} [{row.image or '-'}] under {kind}: {sample.seconds:.2f} s wall, {sample.cpu:.2f} s cpu; "
        f"profile: {out}")
    if kind == "py-spy":
        summary = summarise_raw(out)
        with open(stem + ".summary.txt", "w") as f:
            f.write(summary + "\n")
        print(summary)
    else:
        with open(out, errors="replace") as f:
            print(f.read())
    return 0


# -- main -----------------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="bench", description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--size-gb", type=float, default=1.0, help="uncompressed size of each input image (default 1)")
    p.add_argument("--size-mb", type=float, help="the size in MB instead (small smoke runs)")
    p.add_argument("--reps", type=int, default=DEFAULT_REPS,
                   help=f"runs of each operation per tool (default {DEFAULT_REPS}; ratio targets want at least 5)")
    p.add_argument("--only", help="comma-separated operation keys (see --list)")
    p.add_argument("--images", default="multi,single", help="inputs to run: multi (5 layers), single (1 layer)")
    p.add_argument("--many", type=int, default=200, help="images in the store for `estiba images` (default 200)")
    p.add_argument("--workdir", default=DEFAULT_WORKDIR, help=f"inputs cache and scratch (default {DEFAULT_WORKDIR})")
    p.add_argument("--json", help="where to write the results (default WORKDIR/bench.json)")
    p.add_argument("--profile", metavar="OP", help="run Estiba's OP once under py-spy/pyinstrument and summarise")
    p.add_argument("--profile-image", default="multi", help="input for --profile (default multi)")
    p.add_argument("--native", action="store_true", help="py-spy --native: show C frames (isal, hashlib)")
    p.add_argument("--estiba", default=str(REPO / ".venv" / "bin" / "estiba"), help="the estiba command")
    p.add_argument("--skopeo", default=shutil.which("skopeo") or "skopeo")
    p.add_argument("--registry", default=shutil.which("docker-registry") or "docker-registry")
    p.add_argument("--time", default="/usr/bin/time", help="GNU time, for peak RSS (apt package `time`)")
    p.add_argument("--timeout", type=float, default=1800, help="seconds before one command is killed")
    p.add_argument("--list", action="store_true", help="list the operations and exit")
    args = p.parse_args(argv)
    if args.reps < 1:
        p.error("--reps must be at least 1")
    return args


def select_ops(args: argparse.Namespace) -> list[Op]:
    if not args.only:
        return list(OPS)
    keys = [k.strip() for k in args.only.split(",") if k.strip()]
    unknown = [k for k in keys if k not in OPS_BY_KEY]
    if unknown:
        raise BenchError(f"unknown operation(s) {', '.join(unknown)}; known: {', '.join(OPS_BY_KEY)}")
    return [op for op in OPS if op.key in keys]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    inputs.byte_compile()
    if args.list:
        for op in OPS:
            print(f"{op.key:34} {op.title:34} target {op.target.describe()}")
        return 0

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    for tool in (args.skopeo, args.registry, args.estiba):
        if not (shutil.which(tool) or os.access(tool, os.X_OK)):
            log(f"bench: {tool} not found")
            return 2
    size = int(args.size_mb * 1e6) if args.size_mb else int(args.size_gb * 1e9)
    kinds = tuple(k.strip() for k in args.images.split(",") if k.strip())
    if not kinds or any(k not in inputs.IMAGE_KINDS for k in kinds):
        log(f"bench: --images takes {', '.join(inputs.IMAGE_KINDS)}")
        return 2
    b = Bench(args)
    os.makedirs(b.workdir, exist_ok=True)
    precompile(b, log)
    try:
        ops = select_ops(args)
        if args.profile:
            ops = [OPS_BY_KEY[args.profile]] if args.profile in OPS_BY_KEY else select_ops(
                argparse.Namespace(only=args.profile))
            kinds = (args.profile_image,)
        t0 = time.monotonic()
        b.images = inputs.build_images(b.workdir, size, kinds, b.skopeo_bin, log=log)
        if any(not op.per_image for op in ops):
            b.many_layout, b.many_names = inputs.build_many(b.workdir, args.many, b.skopeo_bin, log=log)
        log(f"inputs ready in {time.monotonic() - t0:.1f} s: " + "; ".join(
            f"{k}: {len(v.layers)} layers, {v.uncompressed / 1e6:.0f} MB uncompressed, {v.compressed / 1e6:.0f} MB gzip"
            for k, v in b.images.items()))
        if args.profile:
            op = ops[0]
            return run_profile(b, op, b.images[kinds[0]] if op.per_image else None, args.native, log)
        return run_all(b, args, ops, kinds, size, log)
    except (BenchError, inputs.BuildError) as exc:
        log(f"bench: {exc}")
        return 1
    finally:
        b.close()


def run_all(b: Bench, args: argparse.Namespace, ops: list[Op], kinds: tuple[str, ...], size: int, log) -> int:
    json_path = os.path.abspath(args.json or os.path.join(b.workdir, "bench.json"))
    meta = {
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(b),
        "config": {"size_bytes": size, "reps": args.reps, "images": list(kinds), "many": args.many,
                   "ops": [op.key for op in ops], "rss_limit_mb": RSS_LIMIT_MB, "gzip_size_limit": GZIP_SIZE_LIMIT,
                   "page_cache": "warm (inputs fit in RAM); os.sync() before every timed command"},
        "inputs": {k: v.describe() for k, v in b.images.items()},
    }
    log("machine: " + describe_machine(meta["machine"]))
    load = os.getloadavg()[0]
    if load > 0.5:
        log(f"warning: load average {load:.2f} before the run: other work shares the CPU, timings will be noisy")
    meta["loadavg_before"] = round(load, 2)
    rows: list[Row] = []
    t0 = time.monotonic()
    for kind in kinds:
        for op in (op for op in ops if op.per_image):
            rows.append(run_row(b, op, b.images[kind], args.reps, log))
            write_json(json_path, b, rows, meta)
    for op in (op for op in ops if not op.per_image):
        rows.append(run_row(b, op, None, args.reps, log))
        write_json(json_path, b, rows, meta)
    b.close()
    meta["finished"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    meta["wall_seconds"] = round(time.monotonic() - t0, 1)
    write_json(json_path, b, rows, meta)

    print(f"Estiba vs skopeo, medians (min-max) of {args.reps} run(s); sizes: " + "; ".join(
        f"{k} = {len(v.layers)} layer(s), {v.uncompressed / 1e6:.0f} MB uncompressed, {v.compressed / 1e6:.0f} MB gzip"
        for k, v in b.images.items()) + f"; N = {args.many}")
    print("machine: " + describe_machine(meta["machine"]))
    print()
    print(table(rows))
    if args.reps < DEFAULT_REPS:
        print(f"\nwarning: {args.reps} run(s) per side; the ratio targets are judged on medians of at least "
              f"{DEFAULT_REPS}")
    wide = spread_warnings(rows)
    if wide:
        print(f"\nwarning: runs too spread to trust these ratios (`!` above; limit {SPREAD_LIMIT:.0%} of the median):")
        for w in wide:
            print("  " + w)
    notes = error_notes(rows)
    if notes:
        print("\nerrors:")
        for n in notes:
            print("  " + n)
    print("\nchecks:")
    for c in checks(rows):
        print(f"  {'pass' if c['pass'] else 'FAIL'}  {c['check']}: {c['text']} (target {c['target']})")
    loads = [x.loadavg for r in rows for tool in (SKOPEO, ESTIBA) for x in r.samples[tool]]
    if loads:
        print(f"\n1-min load average during the operations: median {statistics.median(loads):.2f}, max "
              f"{max(loads):.2f} (the measured command itself adds ~1; more means other work shared the CPU)")
    print(f"\nJSON: {json_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
