"""docker-archive: the `docker save` / `podman save` tar. common.py holds what reading (reader.py) and writing
(writer.py, legacy.py) share; the names below are the package's entry points."""

from engine.formats.docker_archive.common import is_docker_archive, normalise_name, normalise_repo_tag
from engine.formats.docker_archive.legacy import legacy_layers
from engine.formats.docker_archive.reader import DockerArchiveSource, open_source
from engine.formats.docker_archive.writer import DockerArchiveDestination, open_destination

__all__ = ["DockerArchiveDestination", "DockerArchiveSource", "is_docker_archive", "legacy_layers",
           "normalise_name", "normalise_repo_tag", "open_destination", "open_source"]
