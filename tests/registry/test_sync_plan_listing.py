"""A sync YAML naming several repositories whose tags must be listed (engine/sync_plan.py list_all_tags):
the listings go at once, not one after the other, against REAL docker-registry processes behind a fault
proxy that holds every tag list back; the plan keeps the file's order and a failed listing is the error.

Deterministic, not timed: one after the other, a second listing can only start once the first is
answered; at once, the proxy sees two listings it has not answered yet.
"""

from __future__ import annotations

import threading

import pytest

from engine import sync_plan
from engine.errors import EstibaError
from tests.registry.test_sync import fill


def _yaml(tmp_path, host: str, body: str):
    spec = tmp_path / "sync.yml"
    spec.write_text(f"{host}:\n  tls-verify: false\n{body}")
    return str(spec)


def test_listings_of_several_repositories_go_at_once_and_keep_the_files_order(registry, fault_proxy, tmp_path):
    src = registry()
    fill(src, tmp_path, {"r/a": ["v1", "v2"], "r/b": ["v1"], "r/c": ["v3"]})
    proxy = fault_proxy(src)
    proxy.add("stall", method="GET", path=r"/tags/list", seconds=3.0, times=100)
    spec = _yaml(tmp_path, proxy.host, "  images:\n    r/c: []\n    r/b: [v1]\n    r/a: []\n"
                 "  images-by-tag-regex:\n    r/b: ^v\n")
    out: dict = {}
    thread = threading.Thread(target=lambda: out.setdefault("items", sync_plan.plan("yaml", "dir", spec, "/x")))
    thread.start()
    most = 0
    while thread.is_alive():
        lists = proxy.seen("GET", r"/tags/list")
        most = max(most, sum(1 for s in lists if s.status is None))  # asked, not answered yet
        thread.join(0.01)
    assert most >= 2, most  # one after the other, never two outstanding
    assert [i.source.rpartition("/")[2] for i in out["items"]] == ["c:v3", "b:v1", "a:v1", "a:v2", "b:v1"]
    assert out["items"][0].dest == "dir:/x/c:v3"


def test_a_failed_listing_among_several_is_the_error(registry, fault_proxy, tmp_path):
    src = registry()
    fill(src, tmp_path, {"r/a": ["v1"]})
    proxy = fault_proxy(src)
    proxy.add("status", method="GET", path=r"/r/gone/tags/list", status=404, times=100)
    spec = _yaml(tmp_path, proxy.host, "  images:\n    r/a: []\n    r/gone: []\n")
    with pytest.raises(EstibaError) as err:
        sync_plan.plan("yaml", "dir", spec, "/x")
    assert "r/gone" in str(err.value) or "not found" in str(err.value).lower(), str(err.value)


def test_estiba_sync_reaches_the_source_registry_once(registry, fault_proxy, tmp_path):
    """The plan's client (tags/list) is the run's: one ping of the source for the whole sync, counted in the
    requests the source registry receives (before: two, the plan's and the run's)."""
    from tests.cli.cli_helpers import estiba

    src, dst = registry(), registry()
    fill(src, tmp_path, {"r/app": ["v1", "v2", "v3", "v4"]})
    ps, pd = fault_proxy(src), fault_proxy(dst)
    args = ("sync", "--src", "docker", "--dest", "docker", "--src-tls-verify=false", "--dest-tls-verify=false",
            f"{ps.host}/r/app", f"{pd.host}/m")
    estiba(tmp_path / "store", *args)
    assert [s.path for s in ps.seen("GET", r"^/v2/$")] == ["/v2/"]
    assert len(ps.seen("GET", r"/manifests/")) == 4 and len(ps.seen("GET", r"/tags/list")) == 1
    ps.clear()
    pd.clear()
    estiba(tmp_path / "store", *args)  # nothing new: a ping, the list, a manifest per tag; a HEAD per tag
    assert sorted(s.method + " " + s.path.rpartition("/")[2] for s in ps.seen()) == \
        ["GET ", "GET list", "GET v1", "GET v2", "GET v3", "GET v4"]
    assert len(pd.seen()) == 5 and len(pd.seen("HEAD", r"/manifests/")) == 4
