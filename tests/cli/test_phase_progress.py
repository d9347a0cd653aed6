"""`estiba copy docker-archive:x.tar.gz oci-archive:y.tar` on a terminal: the decompression of the archive has a
progress line of its own, before the layers' (issue 10, "every phase of a job reports progress"). The real
command, its stderr on a pseudo-terminal 200 columns wide so it draws as it does for a person."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios

from tests.cli.cli_helpers import ROOT
from tests.fixtures.images import build_image, random_layer_tar, write_docker_archive


def run_on_a_terminal(store, *args) -> tuple[int, str]:
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))
    env = {k: v for k, v in os.environ.items() if k != "ESTIBA_STORE"}
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.Popen([sys.executable, "-m", "cli", "--store", str(store), *map(str, args)], cwd=ROOT,
                            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    out = b""
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the command closed its end
            break
        if not data:
            break
        out += data
    os.close(master)
    return proc.wait(120), out.decode(errors="replace")


def test_copy_of_a_tar_gz_draws_a_decompressing_line_before_the_layers(tmp_path):
    img = build_image([random_layer_tar(41, 6 << 20)], compression="none")
    write_docker_archive(tmp_path / "app.tar.gz", [(img, ["app:1"])], compress="gzip")
    code, screen = run_on_a_terminal(tmp_path / "store", "copy", f"docker-archive:{tmp_path / 'app.tar.gz'}",
                                     f"oci-archive:{tmp_path / 'app.tar'}")
    assert code == 0, screen
    lines = [line.split("\r")[-1] for line in screen.replace("\x1b[K", "").replace("\x1b[F", "\n").splitlines()]
    phase = [i for i, line in enumerate(lines) if line.startswith("Decompressing app.tar.gz  ")]
    layer = [i for i, line in enumerate(lines) if line.startswith("Copying blob ")]
    assert phase and layer and phase[0] < layer[0], screen
    assert any("done" in lines[i] for i in phase), screen  # the phase's line ends as done, and stays
