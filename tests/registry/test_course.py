"""The podman course's commands, verbatim with `podman` replaced by `estiba`, in the course's order: save in the
four formats (to stdout and with -o), rmi, load, image tag by ID, login, login --get-login, push to a registry
and to oci-archive: and oci:, pull from a registry (quay.io, mapped by registries.conf to a REAL loopback
docker-registry: the machine is offline) and from oci-archive: and oci:. The shell's redirections are done
with real files and pipes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.fixtures.images import build_image, make_layer_tar, write_docker_archive
from tests.registry.test_cli_registry import localhost
from tests.registry.test_credentials import (  # noqa: F401 - env and real_keyring are fixtures
    env,
    real_keyring,
)
from tests.registry.test_login import logged_out  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]


def test_the_course_verbatim(tmp_path, env, logged_out, registry):  # noqa: F811
    reg = registry("htpasswd")
    host = localhost(reg)
    logged_out.append(host)
    user, password = reg.creds
    conf = tmp_path / "registries.conf"
    conf.write_text(f'unqualified-search-registries = ["docker.io"]\n[[registry]]\nprefix = "quay.io"\n'
                    f'location = "{host}"\ninsecure = true\n')  # where the login is
    work = tmp_path / "course"
    work.mkdir()
    child = {k: v for k, v in os.environ.items() if k != "ESTIBA_STORE" and not k.startswith("REGISTRY_")}
    child.update(PYTHONPATH=str(ROOT), CONTAINERS_REGISTRIES_CONF=str(conf), ESTIBA_STORE=str(tmp_path / "store"),
                 REGISTRY_AUTH_FILE=str(env.registry_auth_file))

    def estiba(line: str, stdout=None, stdin=None) -> subprocess.CompletedProcess:
        proc = subprocess.run([sys.executable, "-m", "cli", *line.split()], env=child, cwd=work, timeout=300,
                              stdout=stdout or subprocess.PIPE, stderr=subprocess.PIPE,
                              stdin=stdin or subprocess.DEVNULL)
        assert proc.returncode == 0, (line, proc.stderr.decode())
        return proc

    img = build_image([make_layer_tar({"bin/sh": b"#!" * 500}), make_layer_tar({"etc/os-release": b"alpine\n"})],
                      docker=True)
    write_docker_archive(work / "seed.tar", [(img, ["docker.io/library/alpine:latest"])])
    estiba("load -i seed.tar")

    with open(work / "alpine.tar", "wb") as f:
        estiba("save docker.io/alpine:latest", stdout=f)
    with open(work / "alpine2.tar", "wb") as f:
        estiba("save --format oci-archive docker.io/alpine:latest", stdout=f)
    estiba("save -o alpine3.tar docker.io/alpine:latest")
    estiba("save --format oci-dir -o alpine-oci docker.io/alpine:latest")
    estiba("save --format docker-dir -o alpine-dir docker.io/alpine:latest")
    estiba("rmi docker.io/alpine")
    assert estiba("images -q").stdout == b""
    estiba("load -i alpine.tar")
    estiba("rmi docker.io/alpine")
    estiba("load -i alpine2.tar")  # an oci-archive saved by name: named again
    estiba("rmi docker.io/alpine")
    out = estiba("load -i alpine-oci").stdout.decode()
    assert "Loaded image" in out
    ident = img.id[:12]
    estiba(f"image tag {ident} docker.io/alpine:latest")
    estiba(f"tag {ident} localhost/josedom24/webserver:v1")

    with open(work / "pass.txt", "wb") as f:
        f.write(password.encode() + b"\n")
    with open(work / "pass.txt", "rb") as f:
        assert estiba(f"login -u {user} --password-stdin {host}", stdin=f).stdout == b"Login Succeeded!\n"
    assert estiba(f"login --get-login {host}").stdout.decode() == f"{user}\n"
    estiba(f"push localhost/josedom24/webserver:v1 {host}/josedom24/webserver:v1")
    estiba("push localhost/josedom24/webserver:v1 oci-archive:webserver.tar")
    estiba("push localhost/josedom24/webserver:v1 oci:webserver-oci")

    estiba("rmi -a")
    estiba("pull quay.io/josedom24/webserver:v1")  # registries.conf sends it to the loopback registry
    estiba("pull oci-archive:webserver.tar")
    estiba("pull oci:webserver-oci")
    names = {n for d in json.loads(estiba("images --format json").stdout) for n in d.get("Names", [])}
    assert "quay.io/josedom24/webserver:v1" in names
    ids = set(estiba("images -q --no-trunc").stdout.decode().split())
    assert ids == {"sha256:" + img.id}
    assert estiba(f"logout {host}").stdout.decode() == f"Removed login credentials for {host}\n"
