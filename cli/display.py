"""Can the desktop app start here? Checked before Qt is imported, because Qt aborts the process (exit 134)
when it finds no display or misses a system library, with a message that names neither the fix nor the
command line."""

from __future__ import annotations

import ctypes.util
import os
import sys

# What PySide6 6.5+ needs on X11 beyond the Python wheel (Debian/Ubuntu package names).
_XCB_LIBS = {"xcb-cursor": "libxcb-cursor0", "xcb-icccm": "libxcb-icccm4", "xcb-keysyms": "libxcb-keysyms1",
             "xkbcommon-x11": "libxkbcommon-x11-0", "xcb-shape": "libxcb-shape0", "xcb-randr": "libxcb-randr0",
             "xcb-render-util": "libxcb-render-util0", "xcb-image": "libxcb-image0", "EGL": "libegl1",
             "fontconfig": "libfontconfig1"}
_HINT = " The commands work without a display: see 'estiba --help'."


def _loadable(lib: str) -> bool:
    """Whether the dynamic loader can load `lib` as Qt will: the loader's cache may still list a library whose
    file is gone or broken (removed by hand, an interrupted upgrade), so it is loaded, not only looked up."""
    soname = ctypes.util.find_library(lib)
    if soname is None:
        return False
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def gui_blocker(env=None) -> str | None:
    """One line saying why the window cannot open here and what to do, or None when it can."""
    env = os.environ if env is None else env
    platform = env.get("QT_QPA_PLATFORM", "")
    if platform.startswith(("offscreen", "minimal", "vnc")):
        return None
    if not sys.platform.startswith("linux"):
        return None
    wayland = bool(env.get("WAYLAND_DISPLAY")) and not platform.startswith("xcb")
    if not env.get("DISPLAY") and not wayland:
        return "Error: no display to open the window on (DISPLAY and WAYLAND_DISPLAY are not set)." + _HINT + "\n"
    if wayland:
        return None
    display = env.get("DISPLAY", "")
    if display.startswith(":"):  # a local X server listens on /tmp/.X11-unix/X<N>
        number = display[1:].split(".", 1)[0]
        if number.isdigit() and not os.path.exists(f"/tmp/.X11-unix/X{number}"):
            return f"Error: no X server answers on DISPLAY={display}." + _HINT + "\n"
    missing = [pkg for lib, pkg in _XCB_LIBS.items() if not _loadable(lib)]
    if missing:
        return (f"Error: the window needs system libraries that are missing: install them with "
                f"`sudo apt install {' '.join(missing)}`." + _HINT + "\n")
    return None
