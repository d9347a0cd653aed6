"""Estiba against the engines' own save and load, on the same image, alternating runs (not part of the unit
test run). A private podman service and a private dockerd (tests/engines/services.py) hold the image; the
image is tests/benchmarks/inputs.py's `multi` (real files of this machine, 5 layers).

| operation | Estiba | the engine | target |
| --- | --- | --- | --- |
| export-podman | copy containers-storage:NAME oci-archive:OUT | podman save --format oci-archive | <= 0.8x |
|   (third column) | | skopeo copy containers-storage:[vfs@ROOT+RUNROOT]NAME oci-archive:OUT | |
| load-podman | copy docker-archive:IN containers-storage: | podman load -i IN | <= 1.1x |
| export-docker | copy docker-daemon:NAME docker-archive:OUT | docker save -o OUT | <= 1.1x |
| load-docker | copy docker-archive:IN docker-daemon: | docker load -i IN | <= 1.1x |

export-podman also times skopeo reading podman's storage directly (`containers-storage:[vfs@ROOT+RUNROOT]NAME`,
the storage the private podman service uses), as a third column. Before each load the image is removed from
the engine (untimed). Peak RSS is GNU time's %M; Estiba's must
stay under 150 MB.

    .venv/bin/python -m tests.benchmarks.engine_bench                 # ~350 MB, 5 reps
    .venv/bin/python -m tests.benchmarks.engine_bench --size-mb 20 --reps 1 --only load-podman
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks import inputs  # noqa: E402
from tests.engines.services import docker_argv, start_dockerd, start_podman_service, stop  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
TARGETS = {"export-podman": 0.8, "load-podman": 1.1, "export-docker": 1.1, "load-docker": 1.1}
RSS_LIMIT_MB = 150


def _timed(argv: list[str], env: dict[str, str], workdir: str) -> tuple[float, float, int, str]:
    """(seconds, peak RSS MB, exit status, last stderr line)."""
    usage = os.path.join(workdir, "usage.txt")
    timer = ["/usr/bin/time", "-f", "%M", "-o", usage] if os.access("/usr/bin/time", os.X_OK) else []
    os.sync()
    t0 = time.perf_counter()
    proc = subprocess.run([*timer, *argv], env=env, capture_output=True, stdin=subprocess.DEVNULL, cwd=workdir)
    seconds = time.perf_counter() - t0
    rss = 0.0
    if timer:
        try:
            rss = int(Path(usage).read_text().split()[-1]) / 1024
        except (OSError, ValueError, IndexError):
            pass
    lines = proc.stderr.decode(errors="replace").strip().splitlines()
    return seconds, rss, proc.returncode, lines[-1] if lines else ""


class EngineBench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.workdir = os.path.abspath(args.workdir)
        os.makedirs(self.workdir, exist_ok=True)
        self.base = Path(tempfile.mkdtemp(prefix="estiba-eb-", dir="/tmp"))
        self.podman_proc, self.podman_sock, self.podman = start_podman_service(self.base / "p")
        try:
            self.docker_proc, self.docker_sock = start_dockerd(self.base / "d")
        except BaseException:
            stop(self.podman_proc)
            shutil.rmtree(self.base, ignore_errors=True)
            raise
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("ESTIBA_", "REGISTRY_"))}
        self.env.update(CONTAINER_HOST="unix://" + self.podman_sock, DOCKER_HOST="unix://" + self.docker_sock)
        self.store = os.path.join(self.workdir, "store")

    def close(self) -> None:
        stop(self.podman_proc)
        stop(self.docker_proc)
        shutil.rmtree(self.base, ignore_errors=True)

    def estiba(self, *args: str) -> list[str]:
        return [self.args.estiba, "--store", self.store, *args]

    def podman_cli(self, *args: str) -> list[str]:
        return self.podman.argv(*args)

    def untimed(self, argv: list[str], env: dict[str, str] | None = None, check: bool = True) -> None:
        proc = subprocess.run(argv, env=env or self.podman.env, capture_output=True, stdin=subprocess.DEVNULL)
        if check and proc.returncode:
            raise RuntimeError(f"{' '.join(argv)} failed: {proc.stderr.decode(errors='replace')[-500:]}")

    def commands(self, op: str, img: inputs.ImageInputs, out: str) -> tuple[dict[str, list[str]], list[list[str]]]:
        """({side: argv} for estiba, the engine and (export-podman) skopeo; what to run untimed before each)."""
        name = img.name
        if op == "export-podman":
            skopeo = [self.args.skopeo, "--insecure-policy", "--tmpdir", str(self.podman.tmpdir), "copy", "-q",
                      self.podman.storage_ref(name), f"oci-archive:{out}"]
            return ({"estiba": self.estiba("copy", f"containers-storage:{name}", f"oci-archive:{out}"),
                     "engine": self.podman_cli("save", "-q", "--format", "oci-archive", "-o", out, name),
                     "skopeo": skopeo}, [])
        if op == "load-podman":
            return ({"estiba": self.estiba("copy", f"docker-archive:{img.docker_archive}", "containers-storage:"),
                     "engine": self.podman_cli("load", "-q", "-i", img.docker_archive)},
                    [self.podman_cli("rmi", "-f", "--ignore", name)])
        if op == "export-docker":
            return ({"estiba": self.estiba("copy", f"docker-daemon:{name}", f"docker-archive:{out}"),
                     "engine": docker_argv(self.docker_sock, "save", "-o", out, name)}, [])
        return ({"estiba": self.estiba("copy", f"docker-archive:{img.docker_archive}", "docker-daemon:"),
                 "engine": docker_argv(self.docker_sock, "load", "-q", "-i", img.docker_archive)},
                [docker_argv(self.docker_sock, "rmi", "-f", name)])

    def run(self, op: str, img: inputs.ImageInputs) -> dict:
        out = os.path.join(self.workdir, "out.tar")
        names = list(self.commands(op, img, out)[0])
        sides: dict[str, list[tuple[float, float]]] = {side: [] for side in names}
        errors: list[str] = []
        for _ in range(self.args.reps):
            for side in names:  # alternating
                argvs, before = self.commands(op, img, out)
                for argv in before:
                    self.untimed(argv, self.podman.env if argv[0] == "podman" else self.env, check=False)
                if os.path.exists(out):
                    os.unlink(out)
                # Estiba talks to the engines' sockets; podman and skopeo read the storage themselves
                seconds, rss, rc, err = _timed(argvs[side], self.env if side == "estiba" else self.podman.env,
                                               self.workdir)
                if rc:
                    errors.append(f"{side}: {err}")
                else:
                    sides[side].append((seconds, rss))
        row: dict = {"op": op, "target": TARGETS[op], "errors": errors, "load_avg": os.getloadavg()[0]}
        for side, samples in sides.items():
            row[side] = {"median_s": statistics.median(s for s, _ in samples) if samples else None,
                         "runs_s": [round(s, 3) for s, _ in samples],
                         "peak_rss_mb": max((r for _, r in samples), default=None)}
        if row["estiba"]["median_s"] and row["engine"]["median_s"]:
            row["ratio"] = row["estiba"]["median_s"] / row["engine"]["median_s"]
        if "skopeo" in row and row["estiba"]["median_s"] and row["skopeo"]["median_s"]:
            row["ratio_skopeo"] = row["estiba"]["median_s"] / row["skopeo"]["median_s"]
        return row


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--size-mb", type=int, default=350)
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--only", default=",".join(TARGETS), help="comma-separated operations")
    p.add_argument("--workdir", default="/tmp/estiba-engine-bench")
    p.add_argument("--estiba", default=str(Path(sys.executable).parent / "estiba"))
    p.add_argument("--skopeo", default="skopeo")
    p.add_argument("--json", help="write the results here")
    args = p.parse_args(argv)
    ops = [o for o in args.only.split(",") if o]
    unknown = [o for o in ops if o not in TARGETS]
    if unknown:
        print(f"engine_bench: unknown operation(s) {', '.join(unknown)}; known: {', '.join(TARGETS)}",
              file=sys.stderr)
        return 2
    inputs.byte_compile()
    img = inputs.build_images(os.path.abspath(args.workdir), args.size_mb << 20, ("multi",), args.skopeo,
                              log=lambda m: print(m, file=sys.stderr))["multi"]
    bench = EngineBench(args)
    rows = []
    try:
        # the image in both engines, untimed, for the exports
        bench.untimed(bench.podman_cli("load", "-q", "-i", img.docker_archive))
        bench.untimed(docker_argv(bench.docker_sock, "load", "-q", "-i", img.docker_archive), bench.env)
        for op in ops:
            rows.append(bench.run(op, img))
            if op.startswith("load"):  # the exports that follow need the image there
                bench.untimed(bench.podman_cli("load", "-q", "-i", img.docker_archive))
                bench.untimed(docker_argv(bench.docker_sock, "load", "-q", "-i", img.docker_archive), bench.env)
    finally:
        bench.close()
    print(f"{'operation':<15} {'estiba s':>9} {'engine s':>9} {'ratio':>6} {'target':>6} {'RSS MB':>7} "
          f"{'skopeo s':>9} {'vs skopeo':>9}  result")
    for r in rows:
        ratio = r.get("ratio")
        ok = ratio is not None and ratio <= r["target"] and (r["estiba"]["peak_rss_mb"] or 0) < RSS_LIMIT_MB
        skopeo = f"{r['skopeo']['median_s'] or 0:9.2f} {r.get('ratio_skopeo') or 0:9.2f}" if "skopeo" in r \
            else f"{'-':>9} {'-':>9}"
        print(f"{r['op']:<15} {r['estiba']['median_s'] or 0:9.2f} {r['engine']['median_s'] or 0:9.2f} "
              f"{ratio or 0:6.2f} {r['target']:6.2f} {r['estiba']['peak_rss_mb'] or 0:7.0f} {skopeo}  "
              f"{'ok' if ok else 'MISS'}{'  errors: ' + '; '.join(r['errors']) if r['errors'] else ''}")
    print(f"1-min load average at the end: {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores)")
    if args.json:
        Path(args.json).write_text(json.dumps({"size_mb": args.size_mb, "reps": args.reps, "rows": rows}, indent=2))
    return 1 if any(r["errors"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
