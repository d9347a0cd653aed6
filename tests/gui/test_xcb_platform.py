"""The real X11 platform, not offscreen: Qt 6.5+ needs libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1 and
the other libxcb-* libraries that the README's install line names; with one missing, Qt aborts here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.gui.desktop_helpers import ROOT, Xvfb, isolated_env

SHOW_WINDOW = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from gui.app import configure_application
from gui.main_window import MainWindow
from gui.settings import AppSettings
app = QApplication(sys.argv)
configure_application(app, AppSettings())
window = MainWindow(None, AppSettings())
window.show()
def check():
    ok = window.windowHandle() is not None and window.windowHandle().isExposed()
    print(app.platformName(), "exposed" if ok else "not-exposed", flush=True)
    window.shutdown()
    app.exit(0 if ok else 3)
QTimer.singleShot(1500, check)
sys.exit(app.exec())
"""


def test_the_main_window_opens_on_the_xcb_platform_under_xvfb(tmp_path):
    with Xvfb() as display:
        env = isolated_env(tmp_path, DISPLAY=display, QT_QPA_PLATFORM="xcb")
        env.pop("WAYLAND_DISPLAY", None)
        run = subprocess.run([sys.executable, "-c", SHOW_WINDOW], cwd=ROOT, env=env, capture_output=True, text=True,
                             timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.split() == ["xcb", "exposed"], run.stdout + run.stderr[-2000:]


def test_the_readme_install_line_names_every_library_the_xcb_plugin_links():
    """ldd of PySide6's xcb plugin finds every library here, and each X11 one comes from a package that
    tests/run.sh installs and both READMEs' install lines name."""
    import re

    import PySide6

    plugin = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    linked = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, check=True).stdout
    assert "not found" not in linked, linked
    run_sh = (ROOT / "tests" / "run.sh").read_text()
    packages = re.search(r"XCB_PACKAGES=\(([^)]*)\)", run_sh).group(1).split()
    assert {"libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1", "libxkbcommon-x11-0"} <= set(packages)
    for readme in ("README.md", "README.es.md"):
        text = (ROOT / readme).read_text()
        missing = [p for p in packages if p not in text]
        assert not missing, f"{readme} does not name {missing}"
