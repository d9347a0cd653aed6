"""Issue 10 item 21: a registry that challenges per repository (GET /v2/ answers 200 without a challenge, as some
registries do) and Basic auth. Parallel layers each send an unauthenticated HEAD first; every one of them must be
retried with the credentials, not only the first to see the 401."""

from __future__ import annotations

import pytest

from engine.formats.oci_layout import open_layout_source
from tests.fixtures.images import build_image, make_layer_tar, write_oci_layout
from tests.registry.conftest import push


@pytest.fixture(autouse=True)
def no_stored_logins(monkeypatch):
    from engine import credentials

    monkeypatch.setattr(credentials, "lookup", lambda registry, authfile=None: None)


def test_parallel_unauthenticated_heads_are_all_retried_with_basic_credentials(registry, fault_proxy, tmp_path):
    reg = registry("htpasswd")
    proxy = fault_proxy(reg)
    # The ping learns no challenge: each repository request meets its own 401 Basic challenge.
    proxy.add("status", method="GET", path=r"^/v2/$", status=200, times=10_000)
    for run in range(4):
        img = build_image([make_layer_tar({f"f{run}-{i}": bytes([i]) * (i + 1)}) for i in range(6)])  # HEADs race
        layout = tmp_path / f"layout{run}"
        write_oci_layout(layout, [(img, "v1", None)])
        with open_layout_source(str(layout)) as src:
            push(src, f"{proxy.host}/alice/race{run}:v1", reg.creds, parallel=3)
        heads = proxy.seen("HEAD", r"/blobs/")
        assert any(h.status == 401 for h in heads), "the fault did not happen: no unauthenticated HEAD"
        proxy.clear()


def test_cli_push_with_jobs_3_and_creds_works_every_time(registry, fault_proxy, tmp_path):
    """The same through the real `estiba push --jobs 3 --creds`, repeated (the race lost 2 runs of 3)."""
    from tests.registry.test_cli_registry import estiba

    reg = registry("htpasswd")
    proxy = fault_proxy(reg)
    proxy.add("status", method="GET", path=r"^/v2/$", status=200, times=10_000)
    store = tmp_path / "store"
    for run in range(3):
        img = build_image([make_layer_tar({f"c{run}-{i}": bytes([i + 1]) * (i + 7)}) for i in range(6)])
        write_oci_layout(tmp_path / f"cli{run}", [(img, "v1", None)])
        estiba(store, "load", "-i", tmp_path / f"cli{run}")
        estiba(store, "push", "--jobs", "3", "--creds", "alice:s3cret", img.id[:12],
               f"docker://{proxy.host}/alice/cli{run}:v1")
        assert any(h.status == 401 for h in proxy.seen("HEAD", r"/blobs/")), "no unauthenticated HEAD raced"
        proxy.clear()
