"""Fixtures for the desktop app's tests: pytest-qt on the offscreen platform, the real engine, a real store in
tmp_path, settings in a temporary .ini, and HOME/XDG dirs of their own so no real login is ever touched."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from gui import i18n
from gui.app import configure_application
from gui.main_window import MainWindow
from gui.settings import AppSettings
from tests.engines.conftest import dockerd, podman_events_service, podman_service  # noqa: F401
from tests.registry.conftest import fault_proxy, registry, registry_binary  # noqa: F401


@pytest.fixture(scope="session", autouse=True)
def _qt_application(qapp, tmp_path_factory):
    """Fusion style and app names as `run()` sets them; default QSettings go to a temp dir as well."""
    folder = tmp_path_factory.mktemp("qsettings")
    for fmt in (QSettings.Format.IniFormat, QSettings.Format.NativeFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(folder))
    configure_application(qapp)
    i18n.install(qapp, "en")  # the tests read English texts, whatever the machine's LANG
    return qapp


@pytest.fixture(autouse=True)
def _private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    runtime = tmp_path / "run"
    for d in (home, runtime):
        d.mkdir(mode=0o700)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    monkeypatch.setenv("REGISTRY_AUTH_FILE", str(tmp_path / "auth" / "auth.json"))
    monkeypatch.delenv("DOCKER_CONFIG", raising=False)
    return home


@pytest.fixture
def gui_settings(tmp_path: Path) -> AppSettings:
    return AppSettings(QSettings(str(tmp_path / "estiba-settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def store_root(tmp_path: Path) -> str:
    root = tmp_path / "store"
    root.mkdir()
    return str(root)


@pytest.fixture
def make_window(qtbot, gui_settings, store_root):
    """make_window() -> a shown MainWindow on the test's store, after its first read of the store."""
    windows: list[MainWindow] = []

    def make(settings: AppSettings | None = None, root: str | None = None) -> MainWindow:
        window = MainWindow(root or store_root, settings or gui_settings)
        # Shut down (cancel, wait) before pytest-qt closes it: a close with transfers running would ask.
        qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
        window.show()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: window.refresh_count >= 1, timeout=10_000)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.shutdown()


@pytest.fixture
def window(make_window) -> MainWindow:
    return make_window()



@pytest.fixture(scope="session")
def big_archives(tmp_path_factory):
    """Sparse docker-archives: 'medium' is 200 MB in 4 layers, 'large' is 1 GB in 4 layers.
    Returns {kind: (path, image id, total layer bytes)}."""
    from tests.gui.helpers import write_sparse_docker_archive

    folder = tmp_path_factory.mktemp("big-archives")
    out = {}
    for kind, size in (("medium", 50 << 20), ("large", 256 << 20)):
        path = folder / f"{kind}.tar"
        image_id = write_sparse_docker_archive(path, f"localhost/{kind}:latest", [size] * 4)
        out[kind] = (path, image_id, 4 * size)
    return out
