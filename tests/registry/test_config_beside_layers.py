"""Round trips taken off a push's critical path, for registries a round trip away:
- the image config goes beside the layers, not after them (engine/copy.py, `config_any_time`): only the
  manifest waits for every blob, and the config's HEAD, POST and PUT no longer end every image;
- a blob's upload session is opened (POST) while its bytes are still being read (engine/registry/
  destination.py, StreamWriter), not after.
Real docker-registry processes behind the fault proxy, which stalls a transfer to make the order visible and
fails the config's upload to check that its failure is what gets reported.
"""

from __future__ import annotations

import re

import pytest

from engine.errors import Cancelled
from engine.registry import RegistryError
from engine.sync import COPIED, SyncItem, SyncOptions, run
from tests.engine.memory import MemorySource
from tests.registry.conftest import build_test_image, pull, push

UPLOAD = r"/blobs/uploads/"
STALL = 1.0


def _session_id(url: str) -> str:
    return url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]


def _put_of(digest: str) -> str:
    return rf"{UPLOAD}.*digest=sha256%3A{digest[7:]}"


def test_the_config_goes_while_a_layer_is_still_uploading(registry, fault_proxy):
    reg = registry("noauth")
    proxy = fault_proxy(reg)
    img = build_test_image(61)
    layer = img.layers[-1]
    proxy.add("stall", method="PUT", path=_put_of(layer.digest), seconds=STALL)
    [copied] = push(MemorySource.from_built(img), f"{proxy.host}/side/app:v1")
    assert copied.manifest_digest == img.manifest_digest
    [layer_put] = proxy.seen("PUT", _put_of(layer.digest))
    [config_put] = proxy.seen("PUT", _put_of(img.config_digest))
    [manifest_put] = proxy.seen("PUT", "/manifests/v1")
    # before: the config's HEAD came only after every layer was in, so its PUT trailed the stall
    assert config_put.at < layer_put.at + STALL * 0.8, (config_put.at - layer_put.at)
    assert manifest_put.at >= layer_put.at + STALL * 0.9  # the manifest still waits for every blob
    _, [pulled] = pull(reg.ref("side/app:v1"))
    assert pulled.image_id == img.config_digest


def test_a_config_that_cannot_be_sent_is_the_error_reported_not_a_cancel(registry, fault_proxy):
    reg = registry("noauth")
    proxy = fault_proxy(reg)
    img = build_test_image(62, big=2 << 20)
    proxy.add("status", method="PUT", path=_put_of(img.config_digest), status=400, times=100,
              body=b'{"errors":[{"code":"BLOB_UPLOAD_INVALID","message":"refused by the test"}]}')
    for layer in img.layers:  # the layers are slower than the config, so the config's failure comes first
        proxy.add("stall", method="PUT", path=_put_of(layer.digest), seconds=0.5)
    with pytest.raises(RegistryError) as err:
        push(MemorySource.from_built(img), f"{proxy.host}/side/refused:v1", retry_times=0)
    assert not isinstance(err.value, Cancelled)
    text = str(err.value)
    assert "\n" not in text and img.config_digest[:19] in text and "400" in text, text
    assert proxy.seen("PUT", "/manifests/") == []  # nothing tagged


def test_the_upload_session_opens_while_the_blob_is_still_being_read(registry, fault_proxy):
    src, dst = registry("noauth"), registry("noauth")
    img = build_test_image(63)
    push(MemorySource.from_built(img), src.ref("early/app:v1"))
    slow_src, dst_proxy = fault_proxy(src), fault_proxy(dst)
    opened: dict[str, float] = {}  # upload session id -> when the POST that opened it arrived

    def on_response(seen, head: bytes) -> None:
        if seen.method == "POST" and seen.status == 202:
            location = re.search(rb"(?im)^location: (\S+)", head)
            if location:
                opened[_session_id(location.group(1).decode())] = seen.at

    dst_proxy.on_response = on_response
    layer = img.layers[-1]
    slow_src.add("stall_response", method="GET", path=f"/blobs/{layer.digest}", after=1000, seconds=STALL)
    summary = run([SyncItem(f"docker://{slow_src.host}/early/app:v1", f"docker://{dst_proxy.host}/early/app:v1")],
                  SyncOptions(jobs=1))
    assert [r.status for r in summary.results] == [COPIED], summary.results
    [get] = slow_src.seen("GET", f"/blobs/{layer.digest}")
    [layer_put] = dst_proxy.seen("PUT", _put_of(layer.digest))
    posted = opened[_session_id(layer_put.path)]  # the POST of the session the layer was sent on
    assert posted < get.at + STALL * 0.8, posted - get.at  # before: once the whole blob was read, after the stall
    assert layer_put.at >= get.at + STALL * 0.9
