"""Where the store is when nobody says (`$ESTIBA_STORE`, else the user data dir): apart from engine/store.py so
that a command needing only the path (`estiba sync` keeps its blob locations beside the store) does not load
the whole store to learn it."""

from __future__ import annotations

import os


def default_root() -> str:
    env = os.environ.get("ESTIBA_STORE")
    if env:
        return env
    import platformdirs

    return os.path.join(platformdirs.user_data_dir("estiba", appauthor=False), "store")
