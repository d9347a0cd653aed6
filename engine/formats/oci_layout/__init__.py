"""OCI image layouts: `oci:DIR[:REF]` and `oci-archive:PATH[:REF]`. common.py holds what reading (reader.py) and
writing (writer.py for a directory, archive_writer.py for a tar) share; the names below are the entry points."""

from engine.formats.oci_layout.archive_writer import ArchiveDestination, open_archive_destination
from engine.formats.oci_layout.common import (
    CONTAINERD_NAME,
    REF_NAME,
    blob_rel,
    is_oci_archive,
    is_oci_layout_dir,
    merge_index,
    names_of,
)
from engine.formats.oci_layout.reader import ArchiveSource, LayoutDirSource, open_archive_source, open_layout_source
from engine.formats.oci_layout.writer import LayoutDirDestination, open_layout_destination

__all__ = ["CONTAINERD_NAME", "REF_NAME", "ArchiveDestination", "ArchiveSource", "LayoutDirDestination",
           "LayoutDirSource", "blob_rel", "is_oci_archive", "is_oci_layout_dir", "merge_index", "names_of",
           "open_archive_destination", "open_archive_source", "open_layout_destination", "open_layout_source"]
