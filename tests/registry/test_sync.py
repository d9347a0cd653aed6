"""`estiba sync` between REAL docker-registry processes and directory trees, with `skopeo sync` run on the same
input as the oracle of what lands where; the fault proxy in front of the destination counts what is sent and
cuts a connection mid-sync (a fault a healthy registry cannot produce)."""

from __future__ import annotations

import json
import os
import subprocess
import time

from engine.sync import COPIED, FAILED, SKIPPED, SyncOptions, run
from engine.sync_plan import plan
from tests.cli.cli_helpers import assert_one_line_error, estiba
from tests.fixtures.images import build_image, make_layer_tar, random_layer_tar, write_oci_layout
from tests.registry.conftest import push

BASE = random_layer_tar(4242, 200 << 10, files=2)  # one base layer every image shares


def app_image(repo: str, tag: str):
    return build_image([BASE, make_layer_tar({f"app/{repo}/{tag}": f"{repo}:{tag}\n".encode()})], gzip_level=1,
                       labels={"app": f"{repo}:{tag}"})


def fill(reg, tmp_path, repos: dict[str, list[str]]) -> dict[str, object]:
    """Push repo:tag images into `reg`; returns {repo:tag: BuiltImage}."""
    from engine.formats import oci_layout

    built = {}
    for repo, tags in repos.items():
        for tag in tags:
            img = app_image(repo, tag)
            path = tmp_path / "layouts" / repo.replace("/", "_") / tag
            write_oci_layout(path, [(img, "x", None)])
            with oci_layout.open_layout_source(str(path), "x") as src:
                push(src, reg.ref(f"{repo}:{tag}"), reg.creds)
            built[f"{repo}:{tag}"] = img
    return built


def skopeo(*args: str) -> subprocess.CompletedProcess:
    proc = subprocess.run(["skopeo", *args], capture_output=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr.decode()
    return proc


def tags_of(host: str, repo: str) -> list[str]:
    out = skopeo("list-tags", "--tls-verify=false", f"docker://{host}/{repo}").stdout
    return sorted(json.loads(out)["Tags"])


def digest_of(host: str, ref: str) -> str:
    return json.loads(skopeo("inspect", "--tls-verify=false", "--raw", f"docker://{host}/{ref}").stdout and
                      skopeo("inspect", "--tls-verify=false", f"docker://{host}/{ref}").stdout)["Digest"]


def tree(root) -> dict[str, bytes]:
    out = {}
    for dirpath, _dirs, files in os.walk(root):
        for f in files:
            p = os.path.join(dirpath, f)
            with open(p, "rb") as fh:
                out[os.path.relpath(p, root)] = fh.read()
    return out


def test_sync_repository_lands_where_skopeos_does(registry, tmp_path):
    src, dst = registry(), registry()
    built = fill(src, tmp_path, {"team/app": ["v1", "v2", "latest"]})
    ours = estiba(tmp_path / "store", "sync", "--src", "docker", "--dest", "docker", src.ref("team/app"),
                  dst.ref("mirror"))
    assert "3 copied, 0 already there, 0 failed" in ours.stderr.decode()
    skopeo("sync", "--src", "docker", "--dest", "docker", "--src-tls-verify=false", "--dest-tls-verify=false",
           src.ref("team/app"), dst.ref("sk"))
    assert tags_of(dst.host, "mirror/app") == tags_of(dst.host, "sk/app") == ["latest", "v1", "v2"]
    for tag in ("v1", "v2", "latest"):
        assert digest_of(dst.host, f"mirror/app:{tag}") == digest_of(dst.host, f"sk/app:{tag}") == \
            built[f"team/app:{tag}"].manifest_digest


def test_second_sync_sends_nothing_and_is_fast(registry, fault_proxy, tmp_path):
    src, dst = registry(), registry()
    fill(src, tmp_path, {"a/one": ["v1", "v2"], "a/two": ["v1"]})
    proxy = fault_proxy(dst)
    for repo in ("a/one", "a/two"):
        estiba(tmp_path / "store", "sync", "--src", "docker", "--dest", "docker", src.ref(repo), f"{proxy.host}/m")
    proxy.clear()
    items = plan("docker", "docker", src.ref("a/one"), f"{proxy.host}/m") + \
        plan("docker", "docker", src.ref("a/two"), f"{proxy.host}/m")
    t0 = time.monotonic()
    summary = run(items, SyncOptions(jobs=4))
    elapsed = time.monotonic() - t0
    assert [r.status for r in summary.results] == [SKIPPED] * 3
    assert elapsed < 2.0, elapsed
    assert {s.method for s in proxy.seen()} <= {"GET", "HEAD"}  # no upload, no manifest PUT


def test_images_of_one_repository_ask_about_a_shared_blob_once(registry, fault_proxy, tmp_path):
    src, dst = registry(), registry()
    built = fill(src, tmp_path, {"team/app": ["v1", "v2", "v3", "v4"]})
    hexpart = built["team/app:v1"].layers[0].digest.split(":")[1]
    proxy = fault_proxy(dst)
    proc = estiba(tmp_path / "store", "sync", "--src", "docker", "--dest", "docker", "--jobs", "4",
                  src.ref("team/app"), f"{proxy.host}/m")
    assert "4 copied" in proc.stderr.decode()
    asked = [s for s in proxy.seen() if hexpart in s.path]
    # One image asks and sends the base; the three others take it as there (before: a HEAD each).
    assert [s.method for s in asked if s.method in ("HEAD", "POST")] == ["HEAD"], [(s.method, s.path) for s in asked]
    assert len([s for s in asked if s.method == "PUT"]) == 1
    assert tags_of(dst.host, "m/app") == ["v1", "v2", "v3", "v4"]


def test_shared_base_is_sent_once_and_mounted(registry, fault_proxy, tmp_path):
    src, dst = registry(), registry()
    built = fill(src, tmp_path, {f"r{i}/app": ["v1", "v2"] for i in range(4)})
    base_digest = built["r0/app:v1"].layers[0].digest
    proxy = fault_proxy(dst)
    items = [it for i in range(4) for it in plan("docker", "docker", src.ref(f"r{i}/app"), f"{proxy.host}/m{i}")]
    summary = run(items, SyncOptions(jobs=4))
    assert [r.status for r in summary.results] == [COPIED] * 8
    hexpart = base_digest.split(":")[1]
    sent = [s for s in proxy.seen("PUT", r"/blobs/uploads/") if hexpart in s.path]
    assert len(sent) == 1, [s.path for s in proxy.seen()]
    mounts = [s for s in proxy.seen("POST", r"mount=") if hexpart in s.path and s.status == 201]
    # The three repositories that did not upload it mount it (two images of one repository may both mount).
    uploader = sent[0].path.split("/blobs/")[0]
    assert {s.path.split("/blobs/")[0] for s in mounts} == {f"/v2/m{i}/app" for i in range(4)} - {uploader}


def test_interrupted_sync_resumes_with_only_what_is_missing(registry, fault_proxy, tmp_path):
    src, dst = registry(), registry()
    fill(src, tmp_path, {"team/app": ["v1", "v2", "v3"]})
    proxy = fault_proxy(dst)
    # The destination drops the connection whenever v2's manifest is sent.
    proxy.add("cut_request", method="PUT", path=r"/manifests/v2$", times=100, after=10)
    first = estiba(tmp_path / "store", "sync", "--src", "docker", "--dest", "docker", "--retry-times", "0",
                   src.ref("team/app"), f"{proxy.host}/m", check=False)
    err = first.stderr.decode()
    assert first.returncode == 125 and "2 copied, 0 already there, 1 failed" in err
    assert "Failed " in err and "team/app:v2" in err and "Traceback" not in err
    assert tags_of(dst.host, "m/app") == ["v1", "v3"]
    proxy.faults.clear()
    proxy.clear()
    second = estiba(tmp_path / "store", "sync", "--src", "docker", "--dest", "docker", src.ref("team/app"),
                    f"{proxy.host}/m")
    assert "1 copied, 2 already there, 0 failed" in second.stderr.decode()
    assert tags_of(dst.host, "m/app") == ["v1", "v2", "v3"]
    assert [s.path for s in proxy.seen("PUT", "/manifests/")] == ["/v2/m/app/manifests/v2"]


def test_yaml_to_dir_like_skopeo_and_back_into_a_registry(registry, tmp_path):
    src = registry("htpasswd")
    built = fill(src, tmp_path, {"a/app": ["v1", "v2", "v3"], "b/tool": ["1.0", "1.1", "2.0"]})
    spec = tmp_path / "sync.yml"
    spec.write_text(f"""{src.host}:
  images:
    a/app:
      - v1
      - v3
  images-by-tag-regex:
    b/tool: ^1\\.
  credentials:
    username: alice
    password: s3cret
  tls-verify: false
""")
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    proc = estiba(tmp_path / "store", "sync", "--src", "yaml", "--dest", "dir", spec, ours)
    assert "4 copied" in proc.stderr.decode()
    skopeo("sync", "--src", "yaml", "--dest", "dir", str(spec), str(theirs))
    assert tree(ours) == tree(theirs)
    assert sorted(os.listdir(ours)) == ["app:v1", "app:v3", "tool:1.0", "tool:1.1"]

    back = registry()
    estiba(tmp_path / "store", "sync", "--src", "dir", "--dest", "docker", ours, back.ref("restored"))
    assert tags_of(back.host, "restored/app") == ["v1", "v3"]
    assert digest_of(back.host, "restored/tool:1.1") == built["b/tool:1.1"].manifest_digest
    again = estiba(tmp_path / "store", "sync", "--src", "dir", "--dest", "docker", ours, back.ref("restored"))
    assert "0 copied, 4 already there" in again.stderr.decode()


def test_scoped_dir_names_as_skopeo(registry, tmp_path):
    src = registry()
    fill(src, tmp_path, {"team/app": ["v1"]})
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    estiba(tmp_path / "store", "sync", "--scoped", "--src", "docker", "--dest", "dir", src.ref("team/app"), ours)
    skopeo("sync", "--scoped", "--src", "docker", "--dest", "dir", "--src-tls-verify=false", src.ref("team/app"),
           str(theirs))
    assert tree(ours) == tree(theirs)


def test_bad_yaml_is_one_line_and_writes_nothing(tmp_path):
    spec = tmp_path / "bad.yml"
    spec.write_text("reg.example:\n  images: [\n")
    out = tmp_path / "out"
    proc = estiba(tmp_path / "store", "sync", "--src", "yaml", "--dest", "dir", spec, out, check=False)
    assert_one_line_error(proc, "not valid YAML")
    assert not out.exists()
    spec.write_text("reg.example:\n  imagez: {}\n")
    proc = estiba(tmp_path / "store", "sync", "--src", "yaml", "--dest", "dir", spec, out, check=False)
    assert_one_line_error(proc, "unknown key", "imagez")
    assert not out.exists()


def test_a_failing_image_does_not_stop_the_others(registry, tmp_path):
    src, dst = registry(), registry()
    fill(src, tmp_path, {"team/app": ["v1"]})
    items = plan("docker", "docker", src.ref("team/app"), dst.ref("m"))
    items += plan("docker", "docker", src.ref("team/app:v1"), dst.ref("m2"))
    from dataclasses import replace

    items[1] = replace(items[1], source=f"docker://{src.ref('team/app:nope')}")
    summary = run(items, SyncOptions(jobs=2))
    by_status = {r.item.source.rsplit(":", 1)[1]: r for r in summary.results}
    assert by_status["v1"].status == COPIED and by_status["nope"].status == FAILED
    assert "manifest unknown" in by_status["nope"].error


def test_separate_runs_mount_what_an_earlier_run_sent(registry, fault_proxy, tmp_path):
    """One process per repository (skopeo's `--src docker` use): the blob locations kept beside the store let
    the second run mount the shared base instead of uploading it again."""
    src, dst = registry(), registry()
    built = fill(src, tmp_path, {"r/one": ["v1"], "r/two": ["v1"]})
    hexpart = built["r/one:v1"].layers[0].digest.split(":")[1]
    proxy = fault_proxy(dst)
    estiba(tmp_path / "store", "sync", "--src", "docker", "--dest", "docker", src.ref("r/one"), f"{proxy.host}/m")
    proxy.clear()
    estiba(tmp_path / "store", "sync", "--src", "docker", "--dest", "docker", src.ref("r/two"), f"{proxy.host}/m")
    assert not [s for s in proxy.seen("PUT", "/blobs/uploads/") if hexpart in s.path]
    assert [s.status for s in proxy.seen("POST", "mount=") if hexpart in s.path] == [201]
    # Where the blob is known to be, the mount is the question: no HEAD before it.
    assert not [s for s in proxy.seen("HEAD", "/blobs/") if hexpart in s.path]
    assert (tmp_path / "store" / "blob-locations.json").is_file()


def test_sync_from_a_token_registry_asks_one_token_per_repository(registry, tmp_path):
    src, dst = registry("token"), registry()
    fill(src, tmp_path, {"alice/app": ["v1", "v2", "v3", "v4"]})
    before = len(src.tokens.issued)
    proc = estiba(tmp_path / "store", "sync", "--src", "docker", "--dest", "docker", "--src-creds", "alice:s3cret",
                  src.ref("alice/app"), dst.ref("m"))
    assert "4 copied" in proc.stderr.decode()
    assert tags_of(dst.host, "m/app") == ["v1", "v2", "v3", "v4"]
    # One client for the whole sync: the tag listing's token and the pulls' token, not one per image.
    assert len(src.tokens.issued) - before <= 2, src.tokens.issued[before:]


def test_cancel_stops_a_sync_and_a_rerun_finishes_it(registry, fault_proxy, tmp_path):
    import threading

    import pytest

    from engine.errors import Cancelled
    from engine.progress import Progress

    src, dst = registry(), registry()
    fill(src, tmp_path, {"team/app": ["v1", "v2", "v3"]})
    proxy = fault_proxy(dst)
    proxy.add("stall", method="PUT", path=r"/manifests/v3$", seconds=30, times=1)  # v3 hangs at its manifest
    items = plan("docker", "docker", src.ref("team/app"), f"{proxy.host}/m")
    progress = Progress()
    threading.Timer(1.5, progress.cancel.cancel).start()
    t0 = time.monotonic()
    with pytest.raises(Cancelled, match="a rerun copies only what is missing"):
        run(items, SyncOptions(jobs=3), progress)
    assert time.monotonic() - t0 < 10  # not the 30 s of the stall
    assert "v3" not in tags_of(dst.host, "m/app")
    proxy.faults.clear()
    summary = run(items, SyncOptions(jobs=3))
    assert sorted(r.status for r in summary.results if r.item.source.endswith(":v3")) == [COPIED]
    assert tags_of(dst.host, "m/app") == ["v1", "v2", "v3"]


def test_ctrl_c_stops_the_cli_sync_in_one_line(registry, fault_proxy, tmp_path):
    import signal
    import sys

    from tests.cli.cli_helpers import ROOT

    src, dst = registry(), registry()
    fill(src, tmp_path, {"team/app": ["v1", "v2"]})
    proxy = fault_proxy(dst)
    proxy.add("stall", method="PUT", path=r"/manifests/", seconds=30, times=2)
    env = {k: v for k, v in os.environ.items() if k != "ESTIBA_STORE"}
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.Popen([sys.executable, "-m", "cli", "--store", str(tmp_path / "store"), "sync", "--src",
                             "docker", "--dest", "docker", src.ref("team/app"), f"{proxy.host}/m"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env)
    deadline = time.monotonic() + 20
    while not proxy.seen("PUT", "/manifests/") and time.monotonic() < deadline:
        time.sleep(0.05)
    t0 = time.monotonic()
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=15)
    assert time.monotonic() - t0 < 10 and proc.returncode == 125
    lines = [line for line in err.decode().splitlines() if line.strip()]
    assert lines[-1].startswith("Error: sync cancelled") and "Traceback" not in err.decode()
