"""Shared pytest fixtures: a temp Estiba store and the real oracles (podman, skopeo, umoci).

Nothing here imports `engine` at module import time, so the fixture tests run even while
the engine is broken.

The oracles run rootful with the vfs storage driver in per-test scratch directories, so they
need no systemd, no cgroups setup, no network and no registry:
    podman --storage-driver vfs --root R --runroot RR --tmpdir T --cgroup-manager cgroupfs
           --events-backend none ...
TMPDIR (where c/image spools and extracts archives) and CONTAINERS_STORAGE_CONF also point into
the scratch directory, so no state leaks between tests or into /var/tmp.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ORACLES = ("skopeo", "podman", "umoci")
IN_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def oracle_tools() -> dict[str, str | None]:
    """Paths of skopeo/podman/umoci. In CI a missing one is a failure, not a skip."""
    found = {name: shutil.which(name) for name in ORACLES}
    missing = [name for name, path in found.items() if path is None]
    if missing and IN_CI:
        pytest.fail(f"CI is set but these oracle tools are missing: {', '.join(missing)} "
                    "(tests/run.sh installs them with apt-get)", pytrace=False)
    return found


def require_tool(oracle_tools: dict[str, str | None], name: str) -> str:
    path = oracle_tools.get(name) or shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (tests/run.sh installs it)")
    return path


@pytest.fixture(autouse=True)
def _interop_guard(request: pytest.FixtureRequest) -> None:
    """Tests marked `interop` need all the oracles: fail in CI, skip locally when missing."""
    if request.node.get_closest_marker("interop") is not None:
        tools = request.getfixturevalue("oracle_tools")
        for name in ORACLES:
            require_tool(tools, name)


@pytest.fixture
def tmp_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty directory for an Estiba store; ESTIBA_STORE points at it."""
    store = tmp_path / "estiba-store"
    store.mkdir()
    monkeypatch.setenv("ESTIBA_STORE", str(store))
    return store


def _run(argv: list[str], env: dict[str, str], check: bool, cwd=None) -> subprocess.CompletedProcess:
    proc = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if check and proc.returncode != 0:
        raise AssertionError(
            f"command failed ({proc.returncode}): {' '.join(argv)}\n"
            f"--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}"
        )
    return proc


@dataclass
class OracleEnv:
    """A private containers-storage (vfs) + temp dir shared by the podman and skopeo callables.

    podman refuses a runroot longer than 50 characters, so the runroot lives in a short
    directory under /tmp (see the `oracle_env` fixture), not under pytest's tmp_path.
    """

    base: Path
    runroot: Path
    root: Path = field(init=False)
    tmpdir: Path = field(init=False)
    env: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        self.root, self.tmpdir = self.base / "root", self.base / "tmp"
        for d in (self.root, self.runroot, self.tmpdir, self.base / "libpod-tmp"):
            d.mkdir(parents=True, exist_ok=True)
        conf = self.base / "storage.conf"
        conf.write_text(f'[storage]\ndriver = "vfs"\nrunroot = "{self.runroot}"\ngraphroot = "{self.root}"\n')
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("REGISTRY_")}
        self.env.update(TMPDIR=str(self.tmpdir), CONTAINERS_STORAGE_CONF=str(conf))

    def storage_ref(self, name: str) -> str:
        return containers_storage_ref(self, name)


def containers_storage_ref(roots: OracleEnv, name: str) -> str:
    """`containers-storage:[vfs@R+RR]name`: lets skopeo read/write podman's private store."""
    return f"containers-storage:[vfs@{roots.root}+{roots.runroot}]{name}"


class Podman(OracleEnv):
    def argv(self, *args: str) -> list[str]:
        return ["podman", "--storage-driver", "vfs", "--root", str(self.root), "--runroot", str(self.runroot),
                "--tmpdir", str(self.base / "libpod-tmp"), "--cgroup-manager", "cgroupfs",
                "--events-backend", "none", *map(str, args)]

    def __call__(self, *args, check: bool = True, cwd=None) -> subprocess.CompletedProcess:
        return _run(self.argv(*args), self.env, check, cwd)


class Skopeo(OracleEnv):
    def argv(self, *args: str) -> list[str]:
        return ["skopeo", "--insecure-policy", "--tmpdir", str(self.tmpdir), *map(str, args)]

    def __call__(self, *args, check: bool = True, cwd=None) -> subprocess.CompletedProcess:
        return _run(self.argv(*args), self.env, check, cwd)


@pytest.fixture
def oracle_env(tmp_path: Path) -> Iterator[OracleEnv]:
    """Per-test store paths: root/tmp under tmp_path, a short runroot under /tmp (removed after)."""
    runroot = Path(tempfile.mkdtemp(prefix="estiba-rr-", dir="/tmp"))
    try:
        yield OracleEnv(tmp_path / "oracle", runroot)
    finally:
        shutil.rmtree(runroot, ignore_errors=True)


@pytest.fixture
def podman(oracle_tools, oracle_env: OracleEnv) -> Podman:
    """podman(*args, check=True) -> CompletedProcess (text), rootful vfs in a per-test store."""
    require_tool(oracle_tools, "podman")
    return Podman(oracle_env.base, oracle_env.runroot)


@pytest.fixture
def skopeo(oracle_tools, oracle_env: OracleEnv) -> Skopeo:
    """skopeo(*args, check=True) -> CompletedProcess; shares podman's per-test store and tmpdir."""
    require_tool(oracle_tools, "skopeo")
    return Skopeo(oracle_env.base, oracle_env.runroot)


@pytest.fixture
def umoci(oracle_tools, oracle_env: OracleEnv):
    """umoci(*args, check=True) -> CompletedProcess."""
    require_tool(oracle_tools, "umoci")

    def run(*args, check: bool = True, cwd=None) -> subprocess.CompletedProcess:
        return _run(["umoci", *map(str, args)], oracle_env.env, check, cwd)

    return run
