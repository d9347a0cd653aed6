"""A platform asked for by name is enforced (issue 10 item 9, engine side): a single-platform image of another
platform is refused with a typed error before any layer moves; a platform picked from an index is reported
with what the index offered, so a front end can say what was taken and offer the whole image."""

from __future__ import annotations

import pytest

from engine.copy import CopyOptions, copy
from engine.errors import Unsupported
from engine.platform import Platform, PlatformNotFound, host
from tests.engine.memory import MemoryDestination, MemorySource
from tests.fixtures.images import build_image, build_index, make_layer_tar


def image(arch: str, variant: str | None = None):
    return build_image([make_layer_tar({"etc/x": arch.encode() * 100})], arch=arch, variant=variant,
                       labels={"arch": arch})


def test_a_named_platform_missing_from_a_single_platform_image_is_refused_before_any_layer():
    amd = image("amd64")
    dest = MemoryDestination()
    with pytest.raises(PlatformNotFound) as caught:
        copy(MemorySource.from_built(amd, ["docker.io/library/one:1"]), dest,
             CopyOptions(platform=Platform("linux", "arm64", "v8")))
    err = caught.value
    assert isinstance(err, Unsupported)  # callers that knew only Unsupported still catch it
    assert err.want == "linux/arm64/v8" and err.offered == ["linux/amd64"]
    assert dest.images == [] and not dest.blobs  # nothing written


def test_the_default_platform_takes_a_single_platform_image_as_it_is():
    other = "arm64" if host().architecture != "arm64" else "amd64"
    img = image(other)
    [res] = copy(MemorySource.from_built(img, ["docker.io/library/one:1"]), MemoryDestination(), CopyOptions())
    assert res.platforms == [f"linux/{other}"] and res.platforms_offered == []


def test_a_platform_taken_from_an_index_reports_what_the_index_offered():
    amd, arm = image("amd64"), image("arm64", "v8")
    idx = build_index([amd, arm])
    src = MemorySource.from_built([amd, arm], ["docker.io/library/multi:1"], index=idx.index)
    [res] = copy(src, MemoryDestination(), CopyOptions(platform=Platform("linux", "amd64")))
    assert res.platforms == ["linux/amd64"]
    assert res.platforms_offered == ["linux/amd64", "linux/arm64/v8"]
    with pytest.raises(PlatformNotFound) as caught:
        copy(src, MemoryDestination(), CopyOptions(platform=Platform("linux", "s390x")))
    assert caught.value.offered == ["linux/amd64", "linux/arm64/v8"]
