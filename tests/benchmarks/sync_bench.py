"""`estiba sync` against `skopeo sync` between loopback docker-registry processes (issue 13's target: a sync of
40 images, 10 repositories x 4 tags sharing base layers, in at most 0.5x skopeo's time; a second sync with
nothing new in under 2 s). Not part of the unit test run.

    .venv/bin/python -m tests.benchmarks.sync_bench                     # 10 x 4 images, 3 reps
    .venv/bin/python -m tests.benchmarks.sync_bench --repos 2 --tags 2 --base-mb 2 --reps 1 --json out.json

Inputs: two shared base layers (--base-mb and half of it, random bytes: no compression tricks), one layer per
repository and one per tag, pushed once into a source registry. Every timed run copies into a fresh empty
destination registry. Two ways are timed for both tools, alternating: `--src docker` once per repository (the
issue's command; 10 invocations), and `--src yaml` with all 40 images in one invocation. The second sync
(nothing new) is Estiba's, through the same YAML, into a destination it already filled.

Each timed run also reports the CPU seconds of the tool (its processes), of the destination registry and of
the source registry (/proc/PID/stat). The registries' CPU divided by the machine's cores is the wall time the
registries alone need for that run, whoever the client is: on a 2-core machine it bounds the ratio from below.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.inputs import byte_compile  # noqa: E402
from tests.benchmarks.registry import Registry  # noqa: E402

RATIO_LIMIT = 0.5
SECOND_SYNC_LIMIT_S = 2.0


def build_source(reg: Registry, work: Path, repos: int, tags: int, base_mb: float) -> list[str]:
    """Push repos x tags images sharing two base layers; returns the repository names."""
    from engine.copy import CopyOptions, copy
    from engine.formats import oci_layout
    from engine.registry import open_destination
    from tests.fixtures.images import build_image, make_layer_tar, random_layer_tar, write_oci_layout

    base = [random_layer_tar(1, int(base_mb * 1e6), files=8), random_layer_tar(2, int(base_mb * 5e5), files=4)]
    names = []
    for r in range(repos):
        repo_layer = random_layer_tar(100 + r, int(base_mb * 2e5), files=2)
        name = f"bench/app{r}"
        names.append(name)
        for t in range(tags):
            tag_layer = make_layer_tar({f"app/{r}/{t}": os.urandom(64 << 10)})
            img = build_image([*base, repo_layer, tag_layer], gzip_level=1, labels={"app": f"{r}:{t}"})
            path = work / "layouts" / f"{r}-{t}"
            write_oci_layout(path, [(img, "x", None)])
            with oci_layout.open_layout_source(str(path), "x") as src:
                copy(src, open_destination(f"{reg.address}/{name}:v{t}"), CopyOptions(parallel=4))
            shutil.rmtree(path)
    return names


def process_cpu(pid: int) -> float:
    """user + system CPU seconds of a running process."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(argv: list[str]) -> float:
    t0 = time.monotonic()
    proc = subprocess.run(argv, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=3600)
    elapsed = time.monotonic() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv[:4])} ... failed ({proc.returncode}): {proc.stderr.strip()[-600:]}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--repos", type=int, default=10)
    p.add_argument("--tags", type=int, default=4)
    p.add_argument("--base-mb", type=float, default=20.0, help="size of the larger shared base layer")
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--jobs", type=int, default=4, help="estiba sync --jobs")
    p.add_argument("--workdir", default="/tmp/estiba-sync-bench")
    p.add_argument("--estiba", default=str(Path(sys.executable).with_name("estiba")))
    p.add_argument("--json", metavar="PATH")
    p.add_argument("-v", "--verbose", action="store_true", help="print each run as it ends")
    args = p.parse_args(argv)
    byte_compile()
    work = Path(args.workdir)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    src = Registry(str(work / "src")).start()
    try:
        names = build_source(src, work, args.repos, args.tags, args.base_mb)
        spec = work / "sync.yml"
        spec.write_text(f"{src.address}:\n  tls-verify: false\n  images:\n" +
                        "".join(f"    {n}: []\n" for n in names))
        times: dict[str, list[float]] = {k: [] for k in ("estiba-docker", "skopeo-docker", "estiba-yaml",
                                                          "skopeo-yaml", "estiba-second")}

        cpu: dict[str, dict[str, list[float]]] = {
            f"{t}-{m}": {"tool": [], "dest-registry": [], "src-registry": []}
            for t in ("estiba", "skopeo") for m in ("docker", "yaml")}
        estiba = [args.estiba, "--store", str(work / "store"), "sync", "-q", "--jobs", str(args.jobs)]

        def per_repo(tool: str, dest: str) -> list[list[str]]:
            if tool == "skopeo":
                return [["skopeo", "sync", "--src", "docker", "--dest", "docker", "--src-tls-verify=false",
                         "--dest-tls-verify=false", f"{src.address}/{n}", f"{dest}/m"] for n in names]
            return [[*estiba, "--src", "docker", "--dest", "docker",
                     f"{src.address}/{n}", f"{dest}/m"] for n in names]

        def one_yaml(tool: str, dest: str) -> list[str]:
            if tool == "skopeo":
                return ["skopeo", "sync", "--src", "yaml", "--dest", "docker", "--dest-tls-verify=false", str(spec),
                        f"{dest}/m"]
            return [*estiba, "--src", "yaml", "--dest", "docker",
                    str(spec), f"{dest}/m"]

        for rep in range(args.reps):
            for mode in ("docker", "yaml"):
                for tool in (("estiba", "skopeo") if rep % 2 == 0 else ("skopeo", "estiba")):
                    with Registry(str(work / f"dst-{tool}-{mode}")) as dst:
                        shutil.rmtree(work / "store", ignore_errors=True)  # no blob locations from earlier runs
                        os.sync()
                        before = (children_cpu(), process_cpu(dst.proc.pid), process_cpu(src.proc.pid))
                        if mode == "docker":
                            times[f"{tool}-docker"].append(sum(timed(a) for a in per_repo(tool, dst.address)))
                        else:
                            times[f"{tool}-yaml"].append(timed(one_yaml(tool, dst.address)))
                        after = (children_cpu(), process_cpu(dst.proc.pid), process_cpu(src.proc.pid))
                        spent = [b - a for a, b in zip(before, after, strict=True)]
                        for part, value in zip(("tool", "dest-registry", "src-registry"), spent, strict=True):
                            cpu[f"{tool}-{mode}"][part].append(value)
                        if mode == "yaml" and tool == "estiba":
                            times["estiba-second"].append(timed(one_yaml("estiba", dst.address)))
                        if args.verbose:
                            print(f"  rep {rep + 1} {tool} --src {mode}: {times[f'{tool}-{mode}'][-1]:.2f} s, "
                                  f"CPU s: tool {spent[0]:.2f}, destination registry {spent[1]:.2f}, "
                                  f"source registry {spent[2]:.2f}", flush=True)
    finally:
        src.stop()
    med = {k: statistics.median(v) for k, v in times.items() if v}
    ratio_docker = med["estiba-docker"] / med["skopeo-docker"]
    ratio_yaml = med["estiba-yaml"] / med["skopeo-yaml"]
    cores = os.cpu_count() or 1
    cpu_med = {k: {part: statistics.median(v) for part, v in parts.items()} for k, parts in cpu.items()}
    # The registries' own CPU for Estiba's runs, spread over every core: no client can finish sooner.
    floor = (cpu_med["estiba-docker"]["dest-registry"] + cpu_med["estiba-docker"]["src-registry"]) / cores
    ok = ratio_docker <= RATIO_LIMIT and med["estiba-second"] < SECOND_SYNC_LIMIT_S
    doc = {"images": len(names) * args.tags, "repos": args.repos, "tags": args.tags, "base_mb": args.base_mb,
           "reps": args.reps, "jobs": args.jobs, "seconds": times, "median": med, "ratio_docker": ratio_docker,
           "ratio_yaml": ratio_yaml, "cpu_seconds": cpu, "cpu_median": cpu_med, "cores": cores,
           "registry_floor_s": floor, "limits": {"ratio": RATIO_LIMIT, "second_sync_s": SECOND_SYNC_LIMIT_S},
           "result": "pass" if ok else "FAIL"}
    print(f"{doc['images']} images ({args.repos} repos x {args.tags} tags), median of {args.reps}:")
    print(f"  --src docker x{args.repos}: estiba {med['estiba-docker']:.2f} s, skopeo {med['skopeo-docker']:.2f} s, "
          f"ratio {ratio_docker:.2f} (limit {RATIO_LIMIT})")
    print(f"  --src yaml x1:   estiba {med['estiba-yaml']:.2f} s, skopeo {med['skopeo-yaml']:.2f} s, "
          f"ratio {ratio_yaml:.2f}")
    for key, parts in cpu_med.items():
        print(f"  CPU s, {key}: tool {parts['tool']:.2f}, destination registry {parts['dest-registry']:.2f}, "
              f"source registry {parts['src-registry']:.2f}")
    print(f"  the registries alone, --src docker x{args.repos} with estiba: {floor:.2f} s on {cores} cores "
          f"(ratio {floor / med['skopeo-docker']:.2f} with a client that costs nothing)")
    print(f"  second sync (nothing new, yaml): estiba {med['estiba-second']:.2f} s (limit {SECOND_SYNC_LIMIT_S} s)")
    print(f"  result: {doc['result']}")
    if args.json:
        Path(args.json).write_text(json.dumps(doc, indent=2))
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
