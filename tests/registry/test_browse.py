"""Looking into registries without pulling: list-tags, catalog, inspect and delete, through the engine
(engine/registry/browse.py, engine/inspect_remote.py) and the real `estiba` command, against REAL docker-registry
processes, with skopeo as the oracle for list-tags and inspect output.

A registry that lies (a Link loop, a 10 MB tag list, no catalog) cannot be made of docker-registry: those
answers come from the fault proxy's `status` replies in front of a real registry, and each test says so.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from engine.errors import InvalidInput, NotFound
from engine.reference import parse_reference
from engine.registry import browse
from tests.cli.cli_helpers import assert_one_line_error, estiba
from tests.fixtures.images import write_oci_layout
from tests.registry.conftest import build_test_image, push


def skopeo(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["skopeo", *args], capture_output=True, timeout=120, check=False)


def skopeo_json(*args: str):
    proc = skopeo(*args)
    assert proc.returncode == 0, proc.stderr.decode()
    return json.loads(proc.stdout)


def push_image(reg, ref: str, seed: int = 1, *, arch: str = "amd64", tmp_path=None):
    from engine.formats import oci_layout

    img = build_test_image(seed, arch=arch)
    path = tmp_path / f"src-{seed}-{arch}"
    write_oci_layout(path, [(img, "x", None)])
    with oci_layout.open_layout_source(str(path), "x") as src:
        push(src, reg.ref(ref), reg.creds)
    return img


def client_for(reg, creds="default"):
    return browse.open_client(reg.host, credentials=reg.creds if creds == "default" else creds)


# -- list-tags --------------------------------------------------------------------------------------------


def test_list_tags_is_skopeos_json(registry, tmp_path):
    reg = registry()
    for i, tag in enumerate(["v1", "v2", "latest", "1.0.3"]):
        push_image(reg, f"team/app:{tag}", seed=i, tmp_path=tmp_path)
    ours = estiba(tmp_path / "store", "list-tags", f"docker://{reg.ref('team/app')}")
    theirs = skopeo_json("list-tags", "--tls-verify=false", f"docker://{reg.ref('team/app')}")
    assert json.loads(ours.stdout) == theirs
    assert sorted(theirs["Tags"]) == ["1.0.3", "latest", "v1", "v2"]


def test_list_tags_of_unknown_repository_is_one_line(registry, tmp_path):
    reg = registry()
    proc = estiba(tmp_path / "store", "list-tags", f"docker://{reg.ref('no/such')}", check=False)
    assert_one_line_error(proc, "no such repository", "no/such")


def test_list_tags_takes_only_docker(tmp_path):
    proc = estiba(tmp_path / "store", "list-tags", "oci:/nonexistent", check=False)
    assert_one_line_error(proc, "docker://")


def test_list_tags_follows_link_pages(registry, fault_proxy, tmp_path):
    """distribution 2.8 ignores n for tags (docs/registry-protocol.md §1.7), so the pages come from the proxy: page one
    (relative Link), page two (absolute Link), page three (no Link)."""
    reg = registry()
    proxy = fault_proxy(reg)
    pages = [({"Link": '</v2/r/tags/list?n=2&last=b>; rel="next"'}, ["a", "b"]),
             ({"Link": f'<http://{proxy.host}/v2/r/tags/list?n=2&last=d>; rel="next"'}, ["c", "d"]),
             ({}, ["e"])]
    for path, (headers, tags) in zip([r"\?n=2$", r"last=b$", r"last=d$"], pages, strict=True):
        proxy.add("status", method="GET", path=path, status=200, headers=headers,
                  body=json.dumps({"name": "r", "tags": tags}).encode())
    client = browse.open_client(proxy.host)
    seen_pages: list[list[str]] = []
    listing = browse.list_tags(client, "r", page_size=2, on_page=seen_pages.append)
    assert listing.complete and listing.problem == ""
    assert listing.names == ["a", "b", "c", "d", "e"] and listing.pages == 3
    assert seen_pages == [["a", "b"], ["c", "d"], ["e"]]
    assert [s.path for s in proxy.seen("GET", "tags")] == ["/v2/r/tags/list?n=2", "/v2/r/tags/list?n=2&last=b",
                                                          "/v2/r/tags/list?n=2&last=d"]


def test_link_loop_gives_a_marked_partial_list(registry, fault_proxy, tmp_path):
    """A registry whose Link points back at the first page (played by the proxy)."""
    reg = registry()
    proxy = fault_proxy(reg)
    proxy.add("status", method="GET", path=r"/tags/list\?n=2$", times=50, status=200,
              headers={"Link": '</v2/r/tags/list?n=2&last=b>; rel="next"'}, body=b'{"name":"r","tags":["a","b"]}')
    proxy.add("status", method="GET", path=r"last=b", times=50, status=200,
              headers={"Link": '</v2/r/tags/list?n=2>; rel="next"'}, body=b'{"name":"r","tags":["c"]}')
    listing = browse.list_tags(browse.open_client(proxy.host), "r", page_size=2)
    assert not listing.complete and "loops" in listing.problem
    assert listing.names == ["a", "b", "c"]
    assert len(proxy.seen("GET", "tags")) == 2  # stopped instead of asking again

    proc = estiba(tmp_path / "store", "list-tags", "--page-size", "2", f"docker://{proxy.host}/r", check=False)
    assert proc.returncode == 1
    assert json.loads(proc.stdout) == {"Repository": f"{proxy.host}/r", "Tags": ["a", "b", "c"]}
    err = proc.stderr.decode().strip().splitlines()
    assert len(err) == 1 and err[0].startswith("Warning: partial list") and "loops" in err[0]


def test_huge_tag_list_is_capped_and_marked(registry, fault_proxy, tmp_path):
    """An 11 MB tag list (the proxy plays the registry): the first 10 MiB of names, marked partial."""
    reg = registry()
    proxy = fault_proxy(reg)
    tags = [f"t{i:07d}" for i in range(1_100_000)]
    body = json.dumps({"name": "r", "tags": tags}).encode()
    assert len(body) > 11_000_000
    proxy.add("status", method="GET", path=r"/tags/list", status=200, body=body)
    listing = browse.list_tags(browse.open_client(proxy.host), "r")
    assert not listing.complete and "over 10 MiB" in listing.problem
    assert (10 << 20) // 13 < len(listing.names) < len(tags)  # about 12 bytes per name
    assert listing.names == tags[:len(listing.names)]  # whole names only, in order


# -- catalog ----------------------------------------------------------------------------------------------


def test_catalog_paginates_with_small_n(registry, fault_proxy, tmp_path):
    reg = registry()
    repos = ["a/one", "a/two", "b/three", "c", "d/e/f"]
    for i, repo in enumerate(repos):
        push_image(reg, f"{repo}:v1", seed=i, tmp_path=tmp_path)
    proxy = fault_proxy(reg)  # only to count the pages the real registry served
    listing = browse.catalog(browse.open_client(proxy.host), page_size=2)
    assert listing.complete and sorted(listing.names) == sorted(repos)
    assert listing.pages == 3 and len(proxy.seen("GET", "_catalog")) == 3
    assert all("last=" in s.path for s in proxy.seen("GET", "_catalog")[1:])

    proc = estiba(tmp_path / "store", "catalog", "--page-size", "2", reg.host)
    assert sorted(proc.stdout.decode().split()) == sorted(repos)
    proc = estiba(tmp_path / "store", "catalog", "--format", "json", reg.host)
    assert sorted(json.loads(proc.stdout)["Repositories"]) == sorted(repos)


def test_catalog_with_token_scope_and_refused(registry, tmp_path):
    reg = registry("token")
    push_image(reg, "alice/app:v1", tmp_path=tmp_path)
    listing = browse.catalog(client_for(reg))
    assert listing.names == ["alice/app"]
    assert any("registry:catalog:*" in scopes for _how, _user, scopes, _access in reg.tokens.issued)
    with pytest.raises(browse.CatalogUnavailable, match="anonymous users"):
        browse.catalog(client_for(reg, None))  # the token server grants the catalog to no anonymous user
    proc = estiba(tmp_path / "store", "catalog", reg.host, check=False)
    assert_one_line_error(proc, "catalog", "name the repository instead")


def test_registry_without_catalog_is_one_line(registry, fault_proxy, tmp_path):
    """A registry that offers no catalog (Docker Hub's kind), played by the proxy's 404."""
    reg = registry()
    proxy = fault_proxy(reg)
    proxy.add("status", method="GET", path=r"/_catalog", status=404, times=10,
              body=b'{"errors":[{"code":"UNSUPPORTED","message":"no catalog"}]}')
    with pytest.raises(browse.CatalogUnavailable, match="offers no catalog"):
        browse.catalog(browse.open_client(proxy.host))
    proc = estiba(tmp_path / "store", "catalog", proxy.host, check=False)
    assert_one_line_error(proc, "offers no catalog")


# -- inspect ----------------------------------------------------------------------------------------------


SKOPEO_KEYS = ["Name", "Digest", "RepoTags", "Created", "DockerVersion", "Labels", "Architecture", "Os",
               "Layers", "Env"]


def test_inspect_docker_matches_skopeo(registry, tmp_path):
    reg = registry()
    img = push_image(reg, "team/app:v1", tmp_path=tmp_path)
    push_image(reg, "team/app:v2", seed=7, tmp_path=tmp_path)
    ref = f"docker://{reg.ref('team/app:v1')}"
    ours = json.loads(estiba(tmp_path / "store", "inspect", ref).stdout)
    theirs = skopeo_json("inspect", "--tls-verify=false", ref)
    for key in SKOPEO_KEYS:
        assert ours[key] == theirs[key], key
    assert ours["Digest"] == img.manifest_digest
    assert [d["Digest"] for d in ours["LayersData"]] == ours["Layers"]
    assert [d["Size"] for d in ours["LayersData"]] == [layer.size for layer in img.layers]
    assert "Platforms" not in ours

    raw = estiba(tmp_path / "store", "inspect", "--raw", ref).stdout
    assert raw == skopeo("inspect", "--raw", "--tls-verify=false", ref).stdout == img.manifest
    config = estiba(tmp_path / "store", "inspect", "--config", ref).stdout
    assert json.loads(config) == skopeo_json("inspect", "--config", "--tls-verify=false", ref)
    assert estiba(tmp_path / "store", "inspect", "--config", "--raw", ref).stdout == img.config
    fmt = estiba(tmp_path / "store", "inspect", "--format", "{{.Name}} {{json .Labels}}", ref).stdout
    # Go's template `json` is json.Marshal: compact (the Go template engine, cli/gotemplate.py)
    assert fmt.decode().strip() == f'{reg.ref("team/app")} {{"seed":"1"}}'
    assert not (tmp_path / "store").exists() or not any((tmp_path / "store").rglob("*.json"))  # nothing pulled


def test_inspect_index_lists_platforms_like_skopeo(registry, tmp_path):
    reg = registry()
    a, b = build_test_image(1), build_test_image(2, arch="arm64")
    layout = tmp_path / "idx"
    write_oci_layout(layout, [], index_of=[a, b], index_ref="multi")
    from engine.formats import oci_layout

    with oci_layout.open_layout_source(str(layout), "multi") as src:
        push(src, reg.ref("m/idx:multi"), all_platforms=True)
    ref = f"docker://{reg.ref('m/idx:multi')}"
    ours = json.loads(estiba(tmp_path / "store", "inspect", ref).stdout)
    theirs = skopeo_json("inspect", "--tls-verify=false", ref)
    for key in SKOPEO_KEYS:
        assert ours[key] == theirs[key], key
    assert [(p["Platform"], p["Digest"]) for p in ours["Platforms"]] == [
        ("linux/amd64", a.manifest_digest), ("linux/arm64", b.manifest_digest)]
    arm = json.loads(estiba(tmp_path / "store", "inspect", "--platform", "linux/arm64", ref).stdout)
    assert arm["Architecture"] == "arm64" and arm["Layers"] == [x.digest for x in b.layers]
    raw = estiba(tmp_path / "store", "inspect", "--raw", ref).stdout
    assert raw == skopeo("inspect", "--raw", "--tls-verify=false", ref).stdout


def test_inspect_of_a_layout_matches_skopeo(tmp_path):
    img = build_test_image(3)
    write_oci_layout(tmp_path / "lay", [(img, "v1", None)])
    ref = f"oci:{tmp_path / 'lay'}:v1"
    ours = json.loads(estiba(tmp_path / "store", "inspect", ref).stdout)
    theirs = skopeo_json("inspect", ref)
    for key in SKOPEO_KEYS[1:]:
        assert ours.get(key) == theirs.get(key), key
    assert "Name" not in ours and "Name" not in theirs


def test_inspect_unreachable_registry_is_one_line(tmp_path):
    proc = estiba(tmp_path / "store", "inspect", "--retry-times", "0", "docker://127.0.0.1:9/x/y:z", check=False)
    assert_one_line_error(proc, "127.0.0.1:9")


def test_inspect_missing_tag_is_one_line(registry, tmp_path):
    reg = registry()
    push_image(reg, "team/app:v1", tmp_path=tmp_path)
    proc = estiba(tmp_path / "store", "inspect", f"docker://{reg.ref('team/app:nope')}", check=False)
    assert_one_line_error(proc, "manifest unknown")


# -- delete -----------------------------------------------------------------------------------------------


def test_delete_by_tag_takes_every_tag_on_the_manifest(registry, tmp_path):
    reg = registry()
    img = push_image(reg, "team/app:a", tmp_path=tmp_path)
    push_image(reg, "team/app:b", tmp_path=tmp_path)  # the same manifest under a second tag
    push_image(reg, "team/app:c", seed=5, tmp_path=tmp_path)
    proc = estiba(tmp_path / "store", "delete", f"docker://{reg.ref('team/app:a')}")
    out = proc.stdout.decode()
    assert img.manifest_digest in out and "a, b" in out
    tags = skopeo_json("list-tags", "--tls-verify=false", f"docker://{reg.ref('team/app')}")["Tags"]
    assert tags == ["c"]
    gone = skopeo("inspect", "--tls-verify=false", f"docker://{reg.ref('team/app:b')}")
    assert gone.returncode != 0


def test_delete_disabled_is_one_line_and_changes_nothing(registry, tmp_path):
    reg = registry(delete=False)
    img = push_image(reg, "team/app:a", tmp_path=tmp_path)
    proc = estiba(tmp_path / "store", "delete", f"docker://{reg.ref('team/app:a')}", check=False)
    assert_one_line_error(proc, "deletion disabled", "nothing was deleted")
    still = skopeo_json("inspect", "--tls-verify=false", f"docker://{reg.ref('team/app:a')}")
    assert still["Digest"] == img.manifest_digest


def test_delete_never_goes_through_a_tag_that_moved(registry, tmp_path):
    reg = registry()
    first = push_image(reg, "team/app:a", tmp_path=tmp_path)
    client = client_for(reg)
    seen = browse.head_manifest(client, "team/app", "a").digest
    assert seen == first.manifest_digest
    moved = push_image(reg, "team/app:a", seed=9, tmp_path=tmp_path)  # someone pushes meanwhile
    with pytest.raises(browse.TagMoved, match="nothing was deleted"):
        browse.delete(client, parse_reference(reg.ref("team/app:a")), expected=seen)
    assert browse.head_manifest(client, "team/app", "a").digest == moved.manifest_digest
    assert browse.head_manifest(client, "team/app", first.manifest_digest).digest == first.manifest_digest


def test_delete_by_digest_and_token_scope(registry, tmp_path):
    reg = registry("token")
    img = push_image(reg, "bob/app:v1", tmp_path=tmp_path)
    alice_img = push_image(reg, "alice/app:v1", seed=4, tmp_path=tmp_path)
    bob = browse.open_client(reg.host, credentials=("bob", "hunter2"))
    with pytest.raises(browse.Denied):
        browse.delete(bob, parse_reference(reg.ref("alice/app:v1")))  # bob may pull alice/, not delete
    assert browse.head_manifest(bob, "alice/app", "v1").digest == alice_img.manifest_digest
    digest = browse.delete(bob, parse_reference(f"{reg.ref('bob/app')}@{img.manifest_digest}"))
    assert digest == img.manifest_digest
    assert any("repository:bob/app:delete,pull" in " ".join(scopes) or "repository:bob/app:pull,delete" in
               " ".join(scopes) for _how, _user, scopes, _access in reg.tokens.issued)
    with pytest.raises(NotFound):
        browse.head_manifest(bob, "bob/app", "v1")


def test_inspect_raw_and_config_of_a_store_image(tmp_path):
    from tests.fixtures.images import write_oci_archive

    img = build_test_image(6)
    write_oci_archive(tmp_path / "a.tar", [(img, "example.com/a/b:v1", None)])
    store = tmp_path / "store"
    estiba(store, "load", "-i", tmp_path / "a.tar")
    assert estiba(store, "inspect", "--raw", "example.com/a/b:v1").stdout == img.manifest
    assert json.loads(estiba(store, "inspect", "--config", "example.com/a/b:v1").stdout) == json.loads(img.config)
    plain = json.loads(estiba(store, "inspect", "example.com/a/b:v1").stdout)  # as before: the store's view
    assert plain[0]["RepoTags"] == ["example.com/a/b:v1"]


def test_list_tags_with_credentials_on_htpasswd(registry, tmp_path):
    reg = registry("htpasswd")
    push_image(reg, "alice/app:v1", tmp_path=tmp_path)
    proc = estiba(tmp_path / "store", "list-tags", "--creds", "alice:s3cret", f"docker://{reg.ref('alice/app')}")
    assert json.loads(proc.stdout)["Tags"] == ["v1"]
    bad = estiba(tmp_path / "store", "list-tags", "--creds", "alice:nope", f"docker://{reg.ref('alice/app')}",
                 check=False)
    assert_one_line_error(bad, "unauthorized")


def test_a_tag_list_nested_100000_deep_is_one_line_not_a_crash(registry, fault_proxy, tmp_path):
    """A hostile registry (the proxy plays it) answers the tag list with JSON nested 100,000 levels deep: refused
    before it is parsed (engine/jsondoc.py), never a RecursionError."""
    reg = registry()
    proxy = fault_proxy(reg)
    proxy.add("status", method="GET", path=r"/tags/list", times=50, status=200,
              body=b'{"name":"r","tags":' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    with pytest.raises(InvalidInput, match="nest"):
        browse.list_tags(browse.open_client(proxy.host), "r")
    proc = estiba(tmp_path / "store", "list-tags", f"docker://{proxy.host}/r", check=False)
    assert proc.returncode == 125
    err = proc.stderr.decode().strip().splitlines()
    assert len(err) == 1 and err[0].startswith("Error: ") and "nest" in err[0], err
    assert "Recursion" not in err[0] and "internal" not in err[0]
