"""Render the desktop app offscreen to PNGs in resources/screenshots/ (for the README and for review).

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/gui/screenshots.py [OUTPUT_DIR] [--lang es]

To show the login dialog with a working keyring, run it the way tests/run.sh runs pytest:

    dbus-run-session -- sh -c 'printf x | gnome-keyring-daemon --unlock --components=secrets --daemonize \
        >/dev/null; QT_QPA_PLATFORM=offscreen .venv/bin/python tests/gui/screenshots.py'

Writes main-window.png, main-window-dark.png, transfers.png (mid-transfer), login-dialog.png, export-menu.png,
empty-store.png, pull-dialog.png, push-dialog.png, tag-dialog.png; with --lang es the same in Spanish, named
*-es.png (the window as LANG=es_ES.UTF-8 shows it: Estiba's and Qt's translations, Spanish number formats).
Everything runs in a temporary store with its own HOME, so no real login or image is touched.
The transfers shown mid-way are driven by scripted engine progress events held at a fixed point, so the
picture is the same on every run.
"""

from __future__ import annotations

import base64
import json
import os
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPoint, QSettings, Qt  # noqa: E402
from PySide6.QtGui import QPainter  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

WIDTH, HEIGHT = 1180, 720


def isolate(tmp: Path) -> None:
    home = tmp / "home"
    (home / ".config").mkdir(parents=True)
    runtime = tmp / "run"
    runtime.mkdir(mode=0o700)
    os.environ.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), XDG_RUNTIME_DIR=str(runtime),
                      REGISTRY_AUTH_FILE=str(tmp / "auth.json"))
    auth = base64.b64encode(b"robot$deploy:not-a-real-token").decode()
    (tmp / "auth.json").write_text(json.dumps({"auths": {"quay.io": {"auth": auth}}}))


def fill_store(store_root: str, tmp: Path) -> None:
    from engine import operations
    from engine.operations import TransferOptions
    from engine.store import Store
    from tests.fixtures.images import (
        build_image,
        make_layer_tar,
        random_layer_tar,
        write_dir,
        write_docker_archive,
        write_oci_layout,
    )

    def image(seed: int, size: int, created: str, arch: str = "amd64", layers: int = 2):
        tars = [make_layer_tar({f"etc/s{seed}-{i}": b"x" * 200}) for i in range(layers - 1)]
        tars.append(random_layer_tar(seed, size))
        return build_image(tars, created=created, arch=arch, labels={"seed": str(seed)}, gzip_level=1)

    store = Store(store_root)
    alpine = image(1, 3_400_000, "2025-10-08T18:02:11Z")
    app = image(2, 9_800_000, "2025-11-20T09:15:00Z", layers=4)
    api_amd, api_arm = image(3, 6_100_000, "2025-11-25T12:00:00Z"), image(4, 5_900_000, "2025-11-25T12:00:00Z", "arm64")
    old = image(5, 1_200_000, "2023-02-14T08:30:00Z")
    write_docker_archive(tmp / "a.tar", [(alpine, ["alpine:latest", "alpine:3.20"]),
                                         (app, ["quay.io/acme/shop-frontend:1.4.2"])])
    operations.load(store, str(tmp / "a.tar"))
    write_oci_layout(tmp / "api", [], index_of=[api_amd, api_arm], index_ref="ghcr.io/acme/api:2.0")
    operations.pull(store, f"oci:{tmp / 'api'}:ghcr.io/acme/api:2.0", TransferOptions(all_platforms=True))
    write_dir(tmp / "unnamed", old)
    operations.load(store, str(tmp / "unnamed"))


def settle(app: QApplication, rounds: int = 20) -> None:
    for _ in range(rounds):
        app.processEvents()


def wait_for(app: QApplication, predicate, timeout_s: float = 10.0) -> None:
    import time

    end = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > end:
            raise TimeoutError("the app did not reach the state to photograph")
        app.processEvents()
        time.sleep(0.01)


def scripted_transfer(blobs: list[tuple[str, int]], stop_at: float, release: threading.Event):
    """Engine-shaped work: reports per-layer progress up to `stop_at` of the total, then holds there."""
    def work(progress):
        from engine import progress as ev

        total = sum(size for _, size in blobs)
        target = int(total * stop_at)
        moved = 0
        for digest, size in blobs:
            progress.listener(ev.Event(ev.NEW, digest, 0, size))
            take = min(size, max(0, target - moved))
            for step in range(1, 11):
                progress.listener(ev.Event(ev.READ, digest, take * step // 10, size))
            moved += take
            if take == size:
                progress.listener(ev.Event(ev.DONE, digest, size, size))
        progress.listener.flush()  # the aggregator holds back what came within its 50 ms
        release.wait(30)
        progress.cancel.check()
        return []
    return work


def grab(widget: QWidget, path: Path) -> None:
    settle(QApplication.instance())
    widget.grab().save(str(path))
    print("wrote", path)


def tr(context: str, text: str) -> str:
    """The scripted transfers' titles, in the language of the run (the same source texts as gui/jobs/specs.py)."""
    from PySide6.QtCore import QCoreApplication

    return QCoreApplication.translate(context, text)


def main() -> int:
    args = sys.argv[1:]
    lang = ""
    if "--lang" in args:
        at = args.index("--lang")
        lang = args[at + 1]
        del args[at:at + 2]
    out = Path(args[0]) if args else ROOT / "resources" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    suffix = f"-{lang}" if lang else ""

    def shot(name: str) -> Path:
        return out / f"{name}{suffix}.png"

    tmp = Path(tempfile.mkdtemp(prefix="estiba-shots-"))
    isolate(tmp)
    app = QApplication.instance() or QApplication([])
    from gui.app import configure_application, dark_palette
    from gui.jobs.specs import TransferSpec
    from gui.main_window import MainWindow
    from gui.settings import AppSettings

    configure_application(app)
    if lang:
        from gui import i18n

        i18n.install(app, lang)
    app.setPalette(app.style().standardPalette())
    settings = AppSettings(QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat))
    settings.remember_registry("registry.internal:5000")

    empty = MainWindow(str(tmp / "empty-store"), settings)
    empty.resize(WIDTH, 560)
    empty.show()
    wait_for(app, lambda: empty.refresh_count >= 1)
    empty.dock.hide()
    grab(empty, shot("empty-store"))
    empty.shutdown()
    empty.close()

    store_root = str(tmp / "store")
    fill_store(store_root, tmp)
    window = MainWindow(store_root, settings)
    window.resize(WIDTH, HEIGHT)
    window.show()
    wait_for(app, lambda: window.refresh_count >= 1 and window.proxy.rowCount() == 5)
    window.table.select_view_rows([1])
    window.notify(tr("MainWindow", "Loaded {what}").format(
        what="alpine:latest, alpine:3.20, quay.io/acme/shop-frontend:1.4.2"))
    window.dock.hide()
    grab(window, shot("main-window"))

    # The export menu, composed from the window and the two popups (they are separate windows offscreen).
    rows = window.selected_rows()
    menu = window.image_context_menu(rows)
    cell = window.table.visualRect(window.proxy.index(1, 1)).center()
    menu_pos = window.table.viewport().mapTo(window, cell)
    menu.popup(window.mapToGlobal(menu_pos))
    settle(app)
    export_menu = menu.findChild(type(menu), "export_menu")
    sub_pos = menu_pos + QPoint(menu.width() - 4, menu.actionGeometry(export_menu.menuAction()).top())
    export_menu.popup(window.mapToGlobal(sub_pos))
    export_menu.setActiveAction(export_menu.actions()[1])
    menu.setActiveAction(export_menu.menuAction())
    settle(app)
    canvas = window.grab()
    painter = QPainter(canvas)
    painter.drawPixmap(menu_pos, menu.grab())
    painter.drawPixmap(sub_pos, export_menu.grab())
    painter.end()
    canvas.save(str(shot("export-menu")))
    print("wrote", shot("export-menu"))
    export_menu.close()
    menu.close()

    # Transfers mid-way: a load and a push held part-way, a finished export, a failed pull, one queued.
    window.dock.show()
    window.manager.set_parallel_jobs(2)
    release = threading.Event()
    layer = [("sha256:" + c * 64, s) for c, s in (("3", 31_400_000), ("7", 112_800_000), ("b", 8_200_000),
                                                  ("e", 2_900_000))]
    from gui.names import format_label

    exporting = tr("Transfers", "Exporting {what} as {format}")
    finished = TransferSpec("save", exporting.format(what="alpine:latest", format=format_label("oci-archive")), "s1",
                            lambda p: [], output=str(tmp / "alpine-latest-oci.tar"))
    pulling = tr("Transfers", "Pulling {image}").format(image="registry.internal:5000/team/tools:3")
    failed = TransferSpec("pull", pulling, "f1", _raise_unauthorized)
    window.submit(finished)
    window.submit(failed)
    wait_for(app, lambda: all(not j.active for j in window.manager.jobs()))
    loading = window.submit(TransferSpec("load", tr("Transfers", "Loading {name}").format(
        name="ubuntu-24.04-full.tar.zst"), "l1", scripted_transfer(layer, 0.46, release)))
    window.submit(TransferSpec("push", tr("Transfers", "Pushing {image} to {target}").format(
        image="quay.io/acme/shop-frontend:1.4.2", target="quay.io"), "p1", scripted_transfer(layer[:2], 0.18, release)))
    from gui.counts import counts

    window.submit(TransferSpec("save", exporting.format(what=counts().images(3), format=format_label("docker-archive")),
                               "q1", lambda p: []))
    wait_for(app, lambda: loading.progress.done > 0 and len(loading.progress.blobs) == 4)
    settle(app, 50)
    # Speed and time left as a real copy would show them (the scripted events arrive all at once).
    from dataclasses import replace
    for job in window.manager.active_jobs():
        if job.progress.total:
            job.progress = replace(job.progress, speed=48_600_000.0,
                                   eta=(job.progress.total - job.progress.done) / 48_600_000.0)
            window.dock.model.update_job(job)
    window.dock.view.expand(window.dock.model.index_of(loading))
    window.dock.select_job(loading)
    window.resizeDocks([window.dock], [330], Qt.Orientation.Vertical)
    grab(window, shot("transfers"))

    app.setPalette(dark_palette())
    settle(app, 30)
    window.dock.hide()
    window.notify(tr("MainWindow", "Pulled {what}").format(
        what="ghcr.io/acme/api:2.0 (linux/amd64, linux/arm64)"))
    grab(window, shot("main-window-dark"))
    app.setPalette(app.style().standardPalette())
    window.dock.show()
    settle(app, 30)
    release.set()

    login = window.open_login("quay.io")
    login.username_edit.setText("robot$deploy")
    login.password_edit.setText("a-long-access-token")
    wait_for(app, lambda: login.keyring_works is not None and login.logins_list.topLevelItemCount() > 0)
    settle(app, 30)
    grab(login, shot("login-dialog"))
    login.close()

    pull = window.open_pull()
    pull.source_combo.setCurrentText("oci-archive:/home/ana/alpine3.tar")
    settle(app, 30)
    grab(pull, shot("pull-dialog"))
    pull.close()
    rows = {r.name: r for r in window.model.rows()}
    push = window.commands.push(rows["quay.io/acme/shop-frontend:1.4.2"])
    wait_for(app, lambda: "<a " in push.login_label.text())
    settle(app, 30)
    grab(push, shot("push-dialog"))
    push.close()
    unnamed = next(r for r in window.model.rows() if r.name is None)
    tag = window.commands.tag(unnamed)
    tag.name_edit.setText("docker.io/alpine:latest")
    settle(app, 30)
    grab(tag, shot("tag-dialog"))
    tag.close()

    window.shutdown()
    return 0


def _raise_unauthorized(progress):
    from engine.errors import EstibaError

    raise EstibaError("unauthorized: wrong user name or password for registry.internal:5000")


if __name__ == "__main__":
    sys.exit(main())
