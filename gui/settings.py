"""The app's settings, persisted with QSettings. Tests pass a QSettings on a temporary .ini file."""

from __future__ import annotations

import json

from PySide6.QtCore import QSettings

EXPORT_FORMATS = ("docker-archive", "oci-archive", "docker-dir", "oci-dir")
COMPRESSIONS = ("", "gzip", "zstd", "none")  # "": keep the layers as they are stored
WELL_KNOWN_REGISTRIES = ("docker.io", "quay.io", "ghcr.io")
HISTORY_LIMIT = 25


class AppSettings:
    def __init__(self, qsettings: QSettings | None = None) -> None:
        self.qsettings = qsettings if qsettings is not None else QSettings("Estiba", "Estiba")

    # -- typed access ---------------------------------------------------------------------------------------

    def _int(self, key: str, default: int, low: int, high: int) -> int:
        try:
            value = int(self.qsettings.value(key, default))
        except (TypeError, ValueError):
            value = default
        return min(high, max(low, value))

    def _str(self, key: str, default: str) -> str:
        value = self.qsettings.value(key, default)
        return value if isinstance(value, str) else default

    def _list(self, key: str) -> list[str]:
        # JSON text: QSettings' own lists come back as a plain str when they hold one item (.ini).
        try:
            value = json.loads(self._str(key, "[]"))
        except ValueError:
            return []
        return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []

    def _set(self, key: str, value) -> None:
        self.qsettings.setValue(key, json.dumps(value) if isinstance(value, list) else value)
        self.qsettings.sync()

    # -- the settings -----------------------------------------------------------------------------------------

    @property
    def store_path(self) -> str:
        return self._str("store/path", "")

    @store_path.setter
    def store_path(self, value: str) -> None:
        self._set("store/path", value)

    @property
    def parallel_jobs(self) -> int:
        return self._int("transfers/parallel_jobs", 2, 1, 16)

    @parallel_jobs.setter
    def parallel_jobs(self, value: int) -> None:
        self._set("transfers/parallel_jobs", int(value))

    @property
    def parallel_layers(self) -> int:
        return self._int("transfers/parallel_layers", 4, 1, 32)

    @parallel_layers.setter
    def parallel_layers(self, value: int) -> None:
        self._set("transfers/parallel_layers", int(value))

    @property
    def export_format(self) -> str:
        value = self._str("export/format", EXPORT_FORMATS[0])
        return value if value in EXPORT_FORMATS else EXPORT_FORMATS[0]

    @export_format.setter
    def export_format(self, value: str) -> None:
        self._set("export/format", value)

    @property
    def compression(self) -> str:
        value = self._str("export/compression", "")
        return value if value in COMPRESSIONS else ""

    @compression.setter
    def compression(self, value: str) -> None:
        self._set("export/compression", value)

    @property
    def insecure_registries(self) -> list[str]:
        return self._list("registries/insecure")

    @insecure_registries.setter
    def insecure_registries(self, value: list[str]) -> None:
        self._set("registries/insecure", [v.strip() for v in value if v.strip()])

    def is_insecure(self, registry: str) -> bool:
        return registry in self.insecure_registries

    @property
    def language(self) -> str:
        return self._str("ui/language", "system")

    @language.setter
    def language(self, value: str) -> None:
        self._set("ui/language", value)

    @property
    def last_dir(self) -> str:
        return self._str("ui/last_dir", "")

    @last_dir.setter
    def last_dir(self, value: str) -> None:
        self._set("ui/last_dir", value)

    # -- histories --------------------------------------------------------------------------------------------

    @property
    def pull_history(self) -> list[str]:
        return self._list("history/pull")

    def remember_pull(self, source: str) -> None:
        self._set("history/pull", _push_front(self.pull_history, source))

    @property
    def registry_history(self) -> list[str]:
        return self._list("history/registries")

    def remember_registry(self, registry: str) -> None:
        self._set("history/registries", _push_front(self.registry_history, registry))


def _push_front(items: list[str], item: str) -> list[str]:
    return [item, *(i for i in items if i != item)][:HISTORY_LIMIT]
