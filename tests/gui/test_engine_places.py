"""Podman and Docker in the main window (issue 12), driven with pytest-qt against the REAL engines of
tests/engines/conftest.py (a private `podman system service` on vfs storage, a private `dockerd`): their
places and states (running with their version, not running with Start, a socket this user may not read),
their images in the store's table, the list following `podman`/`docker` in a terminal through the /events
streams, a drop onto Podman, an export from Docker, drags between places, and removal with its confirmation
and the engine's own refusal. Oracles: `podman` on the service's storage without CONTAINER_HOST, and
`docker -H unix://SOCK`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tarfile
import tempfile
import threading
import time
from pathlib import Path

import pytest

from engine.engines import status
from engine.engines.socket_http import EngineError
from engine.errors import Hint
from gui.dialogs import confirm as confirm_mod
from gui.dialogs import files
from gui.jobs import manager as states
from gui.models.image_table_model import COL_SIZE
from gui.places import engine_backend
from tests.cli.cli_helpers import ROOT
from tests.fixtures.images import build_image, random_layer_tar, write_docker_archive
from tests.gui.helpers import drop_paths, mime_with_paths, preload
from tests.gui.test_places import _drop_on_place, titles

pytestmark = pytest.mark.timeout(240)


def archive_of(tmp_path: Path, label: str, name: str, seed: int) -> tuple[Path, object]:
    img = build_image([random_layer_tar(seed, 60_000)], docker=True, compression="none", labels={"t": label})
    path = tmp_path / f"{label}.tar"
    write_docker_archive(path, [(img, [name])])
    return path, img


def engines_window(make_window, monkeypatch, podman=None, docker=None, tmp_path: Path | None = None):
    """A window whose Podman and Docker are the test's engines (an absent socket for one not given)."""
    absent = f"unix://{tmp_path}/absent.sock"
    monkeypatch.setenv("CONTAINER_HOST", podman.host if podman else absent)
    monkeypatch.setenv("DOCKER_HOST", docker.host if docker else absent)
    return make_window()


def show_engine(qtbot, window, kind: str):
    backend = window.engines.backend(kind)
    qtbot.waitUntil(lambda: backend.state is not None and backend.state.state == status.RUNNING, timeout=20_000)
    window.places.select(f"engine:{kind}")
    view = window.places.stack.currentWidget()
    assert view is backend.view and view.objectName() == f"{kind}View"
    return backend, view


def table_ids(view) -> list[str]:
    return [view.table.row_at_view_row(i).record.hex for i in range(view.proxy.rowCount())]


def select_image(qtbot, view, hex_id: str) -> list:
    qtbot.waitUntil(lambda: hex_id in table_ids(view), timeout=20_000)
    view.table.select_view_rows([table_ids(view).index(hex_id)])
    return view.selected_rows()


def wait_job(qtbot, window, start, state: str = states.DONE):
    with qtbot.waitSignal(window.manager.job_finished, timeout=120_000) as finished:
        start()
    job = finished.args[0]
    assert job.state == state, job.failure
    return job


def test_running_engines_show_their_version_and_images_in_the_store_table(
        qtbot, make_window, podman_events_service, dockerd, monkeypatch, tmp_path):
    pod_archive, pod_img = archive_of(tmp_path, "listed", "docker.io/library/listed:1", 11)
    dock_archive, dock_img = archive_of(tmp_path, "dlisted", "docker.io/library/dlisted:2", 12)
    podman_events_service.cli("load", "-i", pod_archive)
    dockerd("load", "-i", dock_archive)
    listed_on: list[threading.Thread] = []
    real_read = engine_backend._read_images
    monkeypatch.setattr(engine_backend, "_read_images",
                        lambda kind: listed_on.append(threading.current_thread()) or real_read(kind))
    window = engines_window(make_window, monkeypatch, podman_events_service, dockerd, tmp_path)
    names = titles(window)
    assert names[0] == "Estiba's store" and names[-2:] == ["Podman", "Docker"]

    backend, view = show_engine(qtbot, window, "podman")
    place = window.places.model.place("engine:podman")
    assert place.state_text().startswith("podman 4.")
    assert view.state_bar.label.text().startswith("Podman 4.") and "running" in view.state_bar.label.text()
    assert not view.state_bar.start_button.isVisible()
    rows = select_image(qtbot, view, pod_img.id)
    assert [r.name for r in rows] == ["docker.io/library/listed:1"]
    oracle = json.loads(podman_events_service.cli("images", "--format", "json").stdout)
    size = next(i["Size"] for i in oracle if i["Id"].removeprefix("sha256:") == pod_img.id)
    assert rows[0].record.size == size  # uncompressed, as `podman images` says
    assert view.model.columnCount() == window.model.columnCount()
    assert view.proxy.index(0, COL_SIZE).data()  # the same columns, sizes shown as the store's
    window.filter_edit.setText("no-such-image")
    assert view.proxy.rowCount() == 0
    window.filter_edit.setText("listed")
    assert table_ids(view) == [pod_img.id]
    window.filter_edit.clear()
    assert listed_on and all(t is not threading.main_thread() for t in listed_on)  # never on the UI thread

    backend, view = show_engine(qtbot, window, "docker")
    assert window.places.model.place("engine:docker").state_text().startswith("docker ")
    assert [r.name for r in select_image(qtbot, view, dock_img.id)] == ["docker.io/library/dlisted:2"]
    podman_events_service.cli("rmi", "docker.io/library/listed:1")
    dockerd("rmi", "dlisted:2")


def test_podman_installed_but_not_running_offers_start(qtbot, make_window, monkeypatch, tmp_path):
    """Nothing answers at podman's sockets; Start runs a private `podman system service` (on a scratch
    vfs storage here, through CONTAINERS_STORAGE_CONF / CONTAINERS_CONF), which the window stops on quit."""
    if os.path.exists("/run/podman/podman.sock") or shutil.which("podman") is None:
        pytest.skip("needs podman installed and no rootful podman service on this machine")
    base = Path(tempfile.mkdtemp(prefix="estiba-st-", dir="/tmp"))  # short: socket and runroot paths
    try:
        (base / "storage.conf").write_text(f'[storage]\ndriver = "vfs"\nrunroot = "{base}/rr"\n'
                                           f'graphroot = "{base}/s"\n')
        (base / "containers.conf").write_text(f'[engine]\ntmp_dir = "{base}/t"\nevents_logger = "none"\n'
                                              'cgroup_manager = "cgroupfs"\n')
        monkeypatch.setenv("CONTAINERS_STORAGE_CONF", str(base / "storage.conf"))
        monkeypatch.setenv("CONTAINERS_CONF", str(base / "containers.conf"))
        monkeypatch.setenv("XDG_RUNTIME_DIR", str(base))
        monkeypatch.delenv("CONTAINER_HOST", raising=False)
        monkeypatch.setenv("DOCKER_HOST", f"unix://{base}/docker.sock")
        window = make_window()
        backend = window.engines.backend("podman")
        qtbot.waitUntil(lambda: backend.state is not None, timeout=15_000)
        assert backend.state.state == status.NOT_RUNNING
        assert window.places.model.place("engine:podman").state_text() == "not running"
        window.places.select("engine:podman")
        bar = backend.view.state_bar
        assert "installed but not running" in bar.label.text()
        assert bar.start_button.isVisible()
        window.places.select("engine:docker")
        docker = window.engines.backend("docker")
        qtbot.waitUntil(lambda: docker.state is not None, timeout=15_000)
        assert "Docker is installed but not running" in docker.view.state_bar.label.text()
        assert not docker.view.state_bar.start_button.isVisible()  # Docker's service is root's to start

        window.places.select("engine:podman")
        bar.start_button.click()
        qtbot.waitUntil(lambda: backend.state.state == status.RUNNING, timeout=30_000)
        assert window.places.model.place("engine:podman").state_text().startswith("podman ")
        assert not bar.start_button.isVisible()
        service = backend.service
        assert service is not None and os.environ["CONTAINER_HOST"] == "unix://" + service.socket
        proc = service.service
        window.shutdown()
        assert proc.poll() is not None  # the private service is gone with the window
        assert "CONTAINER_HOST" not in os.environ
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_a_socket_this_user_cannot_read_says_what_to_do(qtbot, window):
    """A real EACCES needs another user (root reads every socket): the state is probed by
    engine/engines/status.py running as `nobody` against a root-owned 0600 socket, then shown by the
    window's Docker place."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to probe as another user")
    d = tempfile.mkdtemp(prefix="estiba-sk-", dir="/tmp")
    os.chmod(d, 0o755)
    sock = os.path.join(d, "docker.sock")
    s = __import__("socket").socket(__import__("socket").AF_UNIX)
    s.bind(sock)
    s.listen(1)
    os.chmod(sock, 0o600)
    code = ("import json; from engine.engines import status; s = status.probe('docker'); "
            "print(json.dumps([s.state, s.socket, str(s.error), s.error.hint.value, s.error.params]))")
    try:
        proc = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3",
                               "-c", code], capture_output=True, text=True, timeout=60, cwd=d,
                              env={"PATH": os.environ["PATH"], "HOME": d, "PYTHONPATH": str(ROOT),
                                   "DOCKER_HOST": "unix://" + sock})
    finally:
        s.close()
        shutil.rmtree(d, ignore_errors=True)
    assert proc.returncode == 0, proc.stderr
    state, socket_path, message, hint, params = json.loads(proc.stdout)
    assert state == status.NOT_READABLE
    probed = status.EngineState("docker", state, socket_path, "", EngineError(message, Hint(hint), **params))
    backend = window.engines.backend("docker")
    qtbot.waitUntil(lambda: backend.state is not None, timeout=15_000)  # its own probe first: then ours
    backend.show_state(probed)
    assert window.places.model.place("engine:docker").state_text() == "socket not readable"
    window.places.select("engine:docker")
    text = backend.view.state_bar.label.text()
    assert sock in text and "not readable" in text and "docker group" in text and "rootless" in text
    assert not backend.accepts_drops()


def test_the_list_follows_the_engines_in_a_terminal(qtbot, make_window, podman_events_service, dockerd,
                                                    monkeypatch, tmp_path):
    window = engines_window(make_window, monkeypatch, podman_events_service, dockerd, tmp_path)
    for kind, load, rmi, name, seed in (
            ("podman", podman_events_service.cli, podman_events_service.cli, "docker.io/library/live:1", 21),
            ("docker", dockerd, dockerd, "docker.io/library/dlive:1", 22)):
        backend, view = show_engine(qtbot, window, kind)
        qtbot.waitUntil(lambda b=backend: b.connected_count >= 1, timeout=20_000)  # its /events stream is open
        qtbot.waitUntil(lambda b=backend: not b._listing, timeout=20_000)
        archive, img = archive_of(tmp_path, f"{kind}-live", name, seed)
        polled = backend.list_count
        start = time.monotonic()
        load("load", "-i", archive)
        qtbot.waitUntil(lambda v=view, i=img: i.id in table_ids(v), timeout=20_000)
        appeared = time.monotonic() - start
        rmi("rmi", name)
        qtbot.waitUntil(lambda v=view, i=img: i.id not in table_ids(v), timeout=20_000)
        assert backend.list_count > polled
        print(f"{kind}: an image loaded in a terminal showed after {appeared:.2f} s")


def test_an_archive_dropped_on_podman_loads_into_podman(qtbot, make_window, podman_events_service, monkeypatch,
                                                        tmp_path):
    window = engines_window(make_window, monkeypatch, podman_events_service, None, tmp_path)
    backend, view = show_engine(qtbot, window, "podman")
    archive, img = archive_of(tmp_path, "dropped", "docker.io/library/dropped:1", 31)
    job = wait_job(qtbot, window, lambda: _drop_on_place(window, "engine:podman", mime_with_paths([archive])))
    assert "Podman" in job.title and job.progress.done > 0
    got = json.loads(podman_events_service.cli("image", "inspect", "docker.io/library/dropped:1").stdout)[0]
    assert got["Id"].removeprefix("sha256:") == img.id
    select_image(qtbot, view, img.id)

    other, img2 = archive_of(tmp_path, "dropped2", "docker.io/library/dropped2:1", 32)
    wait_job(qtbot, window, lambda: drop_paths(window, [other]))  # onto the table while Podman is shown
    got = json.loads(podman_events_service.cli("image", "inspect", "docker.io/library/dropped2:1").stdout)[0]
    assert got["Id"].removeprefix("sha256:") == img2.id
    assert window.model.records() == []  # nothing went to the store
    podman_events_service.cli("rmi", "docker.io/library/dropped:1", "docker.io/library/dropped2:1")


def test_an_engine_image_exported_from_docker(qtbot, make_window, dockerd, monkeypatch, tmp_path):
    archive, img = archive_of(tmp_path, "exported", "docker.io/library/exported:3", 41)
    dockerd("load", "-i", archive)
    window = engines_window(make_window, monkeypatch, None, dockerd, tmp_path)
    backend, view = show_engine(qtbot, window, "docker")
    rows = select_image(qtbot, view, img.id)
    out = tmp_path / "out.tar"
    monkeypatch.setattr(files, "ask_export_path", lambda parent, fmt, default: str(out))
    menu = view.context_menu(rows)
    names = [a.objectName() for a in menu.findChild(type(menu), "export_menu").actions()]
    assert names == ["export_docker_archive", "export_oci_archive", "export_docker_dir", "export_oci_dir"]
    action = next(a for a in menu.findChild(type(menu), "export_menu").actions()
                  if a.objectName() == "export_docker_archive")
    job = wait_job(qtbot, window, action.trigger)
    assert job.progress.done > 0 and job.spec.output == str(out)
    rows = {b.blob: b for b in job.progress.blobs}
    assert rows["export from Docker"].done > 0  # the engine's export is counted as it comes, then the copy
    with tarfile.open(out) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest[0]["Config"].removeprefix("blobs/sha256/").removesuffix(".json") == img.id
    assert manifest[0]["RepoTags"] == ["docker.io/library/exported:3"]
    dockerd("rmi", "exported:3")


def test_drag_rows_between_places_copies_them(qtbot, make_window, store_root, podman_events_service, dockerd,
                                              monkeypatch, tmp_path):
    archive, img = archive_of(tmp_path, "dragged", "docker.io/library/dragged:1", 51)
    preload(store_root, archive)
    window = engines_window(make_window, monkeypatch, podman_events_service, dockerd, tmp_path)
    show_engine(qtbot, window, "podman")
    window.places.select("store")
    qtbot.waitUntil(lambda: window.proxy.rowCount() == 1, timeout=10_000)
    window.table.select_view_rows([0])
    mime = window.proxy.mimeData(window.table.selectionModel().selectedIndexes())  # what a drag carries
    assert not _drop_on_place(window, "store", mime)  # not onto the place it comes from
    wait_job(qtbot, window, lambda: _drop_on_place(window, "engine:podman", mime))
    got = json.loads(podman_events_service.cli("image", "inspect", "docker.io/library/dragged:1").stdout)[0]
    assert got["Id"].removeprefix("sha256:") == img.id  # the image ID survives store -> Podman

    podman_events_service.cli("rmi", "docker.io/library/dragged:1")  # the store's menu does the same
    store_menu = window.image_context_menu(window.selected_rows())
    to_podman = store_menu.findChild(type(store_menu), "copy_to_menu").actions()[0]
    assert to_podman.objectName() == "copy_to_podman"
    wait_job(qtbot, window, to_podman.trigger)
    got = json.loads(podman_events_service.cli("image", "inspect", "docker.io/library/dragged:1").stdout)[0]
    assert got["Id"].removeprefix("sha256:") == img.id

    backend, view = show_engine(qtbot, window, "podman")  # Podman -> Docker
    select_image(qtbot, view, img.id)
    mime = view.proxy.mimeData(view.table.selectionModel().selectedIndexes())
    assert not _drop_on_place(window, "engine:podman", mime)
    wait_job(qtbot, window, lambda: _drop_on_place(window, "engine:docker", mime))
    assert dockerd("image", "inspect", "--format", "{{.Id}}", "dragged:1").stdout.strip() == "sha256:" + img.id
    podman_events_service.cli("rmi", "docker.io/library/dragged:1")
    dockerd("rmi", "dragged:1")


def test_remove_asks_first_and_shows_the_engines_refusal(qtbot, make_window, podman_events_service, monkeypatch,
                                                         tmp_path):
    archive, img = archive_of(tmp_path, "used", "docker.io/library/used:1", 61)
    cli = podman_events_service.cli
    cli("load", "-i", archive)
    cli("create", "--name", "estiba-user", "docker.io/library/used:1", "true")
    window = engines_window(make_window, monkeypatch, podman_events_service, None, tmp_path)
    backend, view = show_engine(qtbot, window, "podman")
    rows = select_image(qtbot, view, img.id)
    asked: list[str] = []
    answers = iter([False, True, True])
    monkeypatch.setattr(confirm_mod, "confirm", lambda parent, title, text, ok: asked.append(text) or next(answers))
    remove = next(a for a in view.context_menu(rows).actions() if a.objectName() == "remove")
    assert window.actions.remove.isEnabled() and not window.actions.inspect.isEnabled()
    window.actions.remove.trigger()  # Image → Remove acts on the engine table shown; "no": nothing happens
    assert asked == ["Remove used:1 from Podman?"]
    remove.trigger()
    qtbot.waitUntil(lambda: bool(window.message_bar.messages()), timeout=20_000)
    text = window.message_bar.messages()[0]
    assert "Podman" in text and "in use by a container" in text, text  # the engine's own words
    assert cli("image", "exists", "docker.io/library/used:1", check=False).returncode == 0
    cli("rm", "estiba-user")
    remove.trigger()
    qtbot.waitUntil(lambda: img.id not in table_ids(view), timeout=20_000)
    assert cli("image", "exists", "docker.io/library/used:1", check=False).returncode == 1


def test_a_load_into_podman_shows_progress_cancels_leaving_nothing_and_retries(
        qtbot, make_window, podman_events_service, big_archives, monkeypatch, tmp_path):
    path, image_id, total = big_archives["medium"]  # 200 MB of layers
    window = engines_window(make_window, monkeypatch, podman_events_service, None, tmp_path)
    show_engine(qtbot, window, "podman")
    seen: list = []
    window.manager.job_changed.connect(lambda job: seen.append(job.progress))
    assert _drop_on_place(window, "engine:podman", mime_with_paths([path]))
    job = window.manager.jobs()[-1]
    qtbot.waitUntil(lambda: job.progress.done > 0 or not job.active, timeout=60_000)
    assert job.active, job.failure
    with qtbot.waitSignal(window.manager.job_finished, timeout=60_000):
        window.manager.cancel(job)
    assert job.state == states.CANCELLED
    cli = podman_events_service.cli
    assert cli("image", "exists", image_id, check=False).returncode == 1  # no partial image left
    seen.clear()
    with qtbot.waitSignal(window.manager.job_finished, timeout=180_000):
        window.manager.retry(job)
    assert job.state == states.DONE, job.failure
    assert job.progress.done >= total
    assert any(p.speed > 0 for p in seen) and any(p.eta is not None for p in seen)  # speed, time left
    got = json.loads(cli("image", "inspect", "localhost/medium:latest").stdout)[0]
    assert got["Id"].removeprefix("sha256:") == image_id
    cli("rmi", "localhost/medium:latest")


def test_an_engine_image_copied_to_the_store_pushed_and_tagged(qtbot, make_window, dockerd, registry, monkeypatch,
                                                               tmp_path):
    from engine import remote
    from engine.registry import browse

    archive, img = archive_of(tmp_path, "shared", "docker.io/library/shared:5", 71)
    dockerd("load", "-i", archive)
    reg = registry()
    window = engines_window(make_window, monkeypatch, None, dockerd, tmp_path)
    backend, view = show_engine(qtbot, window, "docker")
    rows = select_image(qtbot, view, img.id)
    menu = view.context_menu(rows)
    copy_to = menu.findChild(type(menu), "copy_to_menu")
    assert [a.objectName() for a in copy_to.actions()] == ["copy_to_store", "copy_to_podman"]
    to_store = next(a for a in copy_to.actions() if a.objectName() == "copy_to_store")
    job = wait_job(qtbot, window, to_store.trigger)
    assert job.progress.done > 0
    qtbot.waitUntil(lambda: any(r.hex == img.id for r in window.model.records()), timeout=10_000)
    assert [r.names for r in window.model.records() if r.hex == img.id] == [["docker.io/library/shared:5"]]

    dialog = backend.commands.push(rows[0])
    dialog.destination_edit.setText(f"{reg.host}/team/shared:5")
    wait_job(qtbot, window, dialog.submit)
    manifest = browse.head_manifest(remote.open_client(reg.host), "team/shared", "5")
    assert manifest.digest  # the registry has it

    dialog = backend.commands.tag(rows[0])  # Tag… names the image in Docker, not in the store
    dialog.name_edit.setText("shared:6")
    dialog.submit()
    qtbot.waitUntil(lambda: "docker.io/library/shared:6" in [view.table.row_at_view_row(i).name
                                                             for i in range(view.proxy.rowCount())], timeout=20_000)
    assert dockerd("image", "inspect", "--format", "{{.Id}}", "shared:6").stdout.strip() == "sha256:" + img.id
    assert [r.names for r in window.model.records() if r.hex == img.id] == [["docker.io/library/shared:5"]]
    dockerd("rmi", "shared:5", "shared:6")


def test_a_registry_tag_copied_to_podman_through_its_copy_to_menu(qtbot, make_window, gui_settings, registry,
                                                                   podman_events_service, monkeypatch, tmp_path):
    """The registry view's Copy to menu lists the Podman place once its engine answers (EngineBackend's
    copy_destination) and the copy lands in podman's storage with the image ID kept (oracle: podman)."""
    from tests.gui.helpers import small_image
    from tests.gui.test_copy_menu import action
    from tests.gui.test_places import choose_repo, open_place, select_tag
    from tests.gui.test_registry_browser import seed

    reg = registry()
    img = small_image("to-podman")
    seed(reg, tmp_path, {"team/app:v1": img})
    gui_settings.remember_registry(reg.host)
    window = engines_window(make_window, monkeypatch, podman_events_service, None, tmp_path)
    show_engine(qtbot, window, "podman")
    view = open_place(qtbot, window, reg.host)
    choose_repo(qtbot, view, "team/app")
    select_tag(view, "v1")
    view.fill_copy_menu()
    assert "copyTo-engine:docker" not in [a.objectName() for a in view.copy_menu.actions()]  # Docker is absent
    entry = action(view, "copyTo-engine:podman")  # (fills the menu again: the earlier actions are gone)
    assert entry.text() == "Podman"
    wait_job(qtbot, window, entry.trigger)
    got = json.loads(podman_events_service.cli("image", "inspect", f"{reg.host}/team/app:v1").stdout)[0]
    assert got["Id"].removeprefix("sha256:") == img.id
    podman_events_service.cli("rmi", f"{reg.host}/team/app:v1")


def test_two_engine_images_exported_as_one_archive_keep_both(qtbot, make_window, dockerd, monkeypatch, tmp_path):
    """Two Docker images selected and exported as one docker-archive (one request, as `docker save A B`): both
    images, IDs and names survive (oracle: docker load of the archive after both are removed)."""
    first, img1 = archive_of(tmp_path, "pair1", "docker.io/library/pair1:1", 51)
    second, img2 = archive_of(tmp_path, "pair2", "docker.io/library/pair2:1", 52)
    dockerd("load", "-i", first)
    dockerd("load", "-i", second)
    window = engines_window(make_window, monkeypatch, None, dockerd, tmp_path)
    backend, view = show_engine(qtbot, window, "docker")
    qtbot.waitUntil(lambda: {img1.id, img2.id} <= set(table_ids(view)), timeout=20_000)
    ids = table_ids(view)
    view.table.select_view_rows([ids.index(img1.id), ids.index(img2.id)])
    rows = view.selected_rows()
    assert len(rows) == 2
    out = tmp_path / "pair.tar"
    monkeypatch.setattr(files, "ask_export_path", lambda parent, fmt, default: str(out))
    job = wait_job(qtbot, window, lambda: backend.commands.export(rows, "docker-archive"))
    assert "2 image" in job.title
    with tarfile.open(out) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert sorted(m["RepoTags"][0] for m in manifest) == ["docker.io/library/pair1:1", "docker.io/library/pair2:1"]
    dockerd("rmi", "pair1:1", "pair2:1")
    dockerd("load", "-i", out)
    for name, img in (("pair1:1", img1), ("pair2:1", img2)):
        assert dockerd("image", "inspect", "--format", "{{.Id}}", name).stdout.strip() == "sha256:" + img.id
    dockerd("rmi", "pair1:1", "pair2:1")
