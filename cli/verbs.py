"""The verbs' flags, descriptions and examples: one definition per verb, used both at the top level
(`estiba images`) and in the `estiba image` group (`estiba image ls`), as podman offers both."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from cli.flags import flag, optional_value

GlobalOptions = Callable[[argparse.ArgumentParser], None]

EXAMPLES: dict[str, str] = {
    "images": "estiba images\n  estiba images --format '{{.Repository}}:{{.Tag}}'\n"
              "  estiba images -q --filter dangling=true\n  estiba images alpine",
    "load": "estiba load -i alpine.tar\n  estiba load < alpine.tar",
    "save": "estiba save -o alpine.tar docker.io/library/alpine:latest\n"
            "  estiba save docker.io/alpine:latest > alpine.tar\n"
            "  estiba save --format oci-archive -o alpine-oci.tar alpine\n"
            "  estiba save --format oci-dir -o alpine-dir alpine",
    "pull": "estiba pull quay.io/podman/hello:latest\n  estiba pull oci-archive:alpine-oci.tar\n"
            "  estiba pull oci:alpine-dir",
    "push": "estiba push localhost:5000/alpine:latest\n  estiba push alpine oci-archive:/tmp/alpine.tar\n"
            "  estiba push --tls-verify=false alpine 192.168.1.10:5000/alpine:latest",
    "copy": "estiba copy oci-archive:a.tar docker-archive:b.tar\n  estiba copy docker://quay.io/x/y:1 oci:dir",
    "login": "estiba login quay.io\n  estiba login -u alice --password-stdin localhost:5000 < secret.txt\n"
             "  estiba login --get-login quay.io",
    "logout": "estiba logout quay.io\n  estiba logout --all",
    "tag": "estiba tag bc4e4f799925 docker.io/alpine:latest\n  estiba tag alpine myalpine:v1",
    "untag": "estiba untag alpine myalpine:v1\n  estiba untag alpine",
    "rmi": "estiba rmi alpine\n  estiba rmi -f bc4e4f799925\n  estiba rmi -a",
    "inspect": "estiba inspect alpine\n  estiba inspect --format '{{.Id}} {{.Os}}/{{.Architecture}}' alpine busybox",
    "history": "estiba history alpine\n  estiba history --format '{{.CreatedBy}}' --no-trunc alpine",
    "prune": "estiba image prune\n  estiba image prune -a -f",
    "check": "estiba check",
    "version": "estiba version",
    "completion": "estiba completion bash > ~/.local/share/bash-completion/completions/estiba\n"
                  "  estiba completion zsh\n  estiba completion fish",
}


def _lazy(name: str) -> Callable[[argparse.Namespace], int]:
    """The command's function, imported when it runs (`estiba --help` must not load the engine)."""

    def run(args: argparse.Namespace) -> int:
        from cli import commands

        return getattr(commands, name)(args)

    run.__name__ = name
    return run


def _verb(sub, name: str, key: str, summary: str, description: str, global_options: GlobalOptions,
          aliases: tuple[str, ...] = (), run: str | None = None) -> argparse.ArgumentParser:
    s = sub.add_parser(name, aliases=list(aliases), help=summary, description=description,
                       epilog=f"Examples:\n  {EXAMPLES[key]}" if key in EXAMPLES else None)
    s.set_defaults(run=_lazy(run or f"cmd_{key}"), verb=key)
    global_options(s)
    return s


def _locations() -> str:
    from cli import table

    return table.locations()


def _transfer_flags(s: argparse.ArgumentParser) -> None:
    s.add_argument("--platform", metavar="OS/ARCH[/VARIANT]", help="platform to take from a multi-arch image")
    flag(s, "--all-platforms", help="keep every platform of a multi-arch image")
    s.add_argument("--jobs", type=int, default=3, metavar="N", help="layers transferred in parallel (default 3)")
    flag(s, "--tls-verify", default=None,
         help="require HTTPS and verify certificates (default true; loopback registries use plain HTTP)")
    s.add_argument("--retry-times", type=int, default=3, metavar="N", help="retries of a failed registry request")
    s.add_argument("--creds", metavar="USER:PASS", help="registry credentials (else the keyring, auth.json ...)")
    s.add_argument("--authfile", metavar="PATH", help="podman auth.json to read credentials from")


def _compress(s: argparse.ArgumentParser, help_text: str) -> None:
    optional_value(s, "--compress", bare="gzip", choices=["gzip", "zstd", "none"], metavar="[=gzip|zstd|none]",
                   help=help_text)


def add_images(sub, g: GlobalOptions, name: str = "images", aliases: tuple[str, ...] = ()) -> None:
    s = _verb(sub, name, "images", "list images in the store",
              "List the images in Estiba's store, as `podman images` does.", g, aliases)
    flag(s, "-a", "--all", help="show all images (the store keeps no intermediate images: same as without)")
    flag(s, "-q", "--quiet", help="print only image IDs")
    flag(s, "--no-trunc", help="do not truncate output")
    flag(s, "--digests", help="show digests")
    flag(s, "-n", "--noheading", help="do not print column headings")
    s.add_argument("--sort", default="created", choices=["created", "id", "repository", "size", "tag"],
                   help="sort by created (default), id, repository, size or tag")
    s.add_argument("-f", "--filter", action="append", default=[], metavar="FILTER",
                   help="reference=PATTERN, dangling=true|false, before=IMAGE, since=IMAGE, label=KEY[=VALUE]")
    s.add_argument("--format", metavar="FORMAT", help="json, or a Go template such as '{{.Repository}}:{{.Tag}}'")
    s.add_argument("image", nargs="?", metavar="IMAGE", help="show only images with this name")
    from cli import engine_verbs

    engine_verbs.add_flags(s)


def add_load(sub, g: GlobalOptions) -> None:
    s = _verb(sub, "load", "load", "load images from an archive or directory",
              "Load every image of a docker-archive, oci-archive, OCI layout or dir: directory (format "
              "detected) into the store.", g)
    s.add_argument("-i", "--input", metavar="PATH", help="archive file or directory (default: standard input)")
    flag(s, "-q", "--quiet", help="suppress the progress output")
    _transfer_flags(s)


def add_save(sub, g: GlobalOptions) -> None:
    s = _verb(sub, "save", "save", "save images to an archive or directory",
              "Save images to a docker-archive (default), oci-archive, oci-dir or docker-dir. Without -o "
              "the archive goes to standard output, which must not be a terminal.", g)
    from cli import table

    s.add_argument("--format", default="docker-archive", choices=[name for name, _ in table.save_formats()])
    s.add_argument("-o", "--output", metavar="PATH", help="write to this file (default: standard output)")
    flag(s, "-m", "--multi-image-archive", help="several images in one docker-archive (the default here)")
    _compress(s, "layer compression (oci-archive, oci-dir, docker-dir); alone: gzip")
    flag(s, "--uncompressed", help="same as --compress=none")
    flag(s, "--tag-only-ref", help="oci formats: write only the tag in org.opencontainers.image.ref.name")
    flag(s, "-q", "--quiet", help="suppress the progress output")
    s.add_argument("images", nargs="+", metavar="IMAGE")
    _transfer_flags(s)


def add_pull(sub, g: GlobalOptions) -> None:
    s = _verb(sub, "pull", "pull", "copy an image into the store",
              "Copy an image into the store from a registry (names resolved through registries.conf, as "
              f"podman does) or from a location: {_locations()}.", g)
    s.add_argument("source", metavar="SOURCE")
    flag(s, "-q", "--quiet", help="suppress the progress output")
    _transfer_flags(s)


def add_push(sub, g: GlobalOptions) -> None:
    s = _verb(sub, "push", "push", "copy an image from the store to a registry or file",
              "Copy an image from the store to DESTINATION (any transport), by default to the registry of "
              "the image's own name.", g)
    s.add_argument("image", metavar="IMAGE")
    s.add_argument("destination", metavar="DESTINATION", nargs="?")
    _compress(s, "layer compression; alone: gzip")
    s.add_argument("-f", "--format", dest="manifest_format", choices=["oci", "v2s2"],
                   help="registry manifest format (default: keep the image's)")
    flag(s, "-q", "--quiet", help="suppress the progress output")
    _transfer_flags(s)


def add_copy(sub, g: GlobalOptions) -> None:
    s = _verb(sub, "copy", "copy", "copy an image between any two locations",
              f"Copy between any two locations ({_locations()}), as skopeo copy does; a bare name on either "
              "side is the store.", g)
    s.add_argument("source", metavar="SOURCE")
    s.add_argument("destination", metavar="DESTINATION")
    _compress(s, "layer compression; alone: gzip")
    s.add_argument("-f", "--format", dest="manifest_format", choices=["oci", "v2s2"],
                   help="registry manifest format (default: keep the image's)")
    flag(s, "-q", "--quiet", help="suppress the progress output")
    _transfer_flags(s)


def add_login(sub, g: GlobalOptions) -> None:
    s = _verb(sub, "login", "login", "log in to a registry",
              "Log in to a registry. The secret goes to the OS keyring, never to a file, unless --authfile "
              "asks for podman's auth.json.", g)
    s.add_argument("registry", metavar="REGISTRY")
    s.add_argument("-u", "--username")
    s.add_argument("-p", "--password")
    flag(s, "--password-stdin", help="read the password from standard input")
    flag(s, "--get-login", help="print the user name logged in to REGISTRY")
    flag(s, "--tls-verify", default=None, help="require HTTPS and verify certificates")
    s.add_argument("--authfile", metavar="PATH", help="store the login in this podman auth.json instead")


def add_logout(sub, g: GlobalOptions) -> None:
    s = _verb(sub, "logout", "logout", "log out of a registry", "Remove a registry login.", g)
    s.add_argument("registry", metavar="REGISTRY", nargs="?")
    flag(s, "-a", "--all", help="log out of every registry")
    s.add_argument("--authfile", metavar="PATH")


def add_tag(sub, g: GlobalOptions) -> None:
    s = _verb(sub, "tag", "tag", "add names to an image",
              "Add names to an image. A name without a registry is localhost/NAME, as podman makes it.", g)
    s.add_argument("image", metavar="IMAGE")
    s.add_argument("names", nargs="+", metavar="NAME")


def add_untag(sub, g: GlobalOptions) -> None:
    s = _verb(sub, "untag", "untag", "remove names from an image", "Remove names from an image (all when "
              "none is given); the image stays.", g)
    s.add_argument("image", metavar="IMAGE")
    s.add_argument("names", nargs="*", metavar="NAME")


def add_rmi(sub, g: GlobalOptions, name: str = "rmi") -> None:
    s = _verb(sub, name, "rmi", "remove images",
              "Remove images. Naming one of several names removes just that name; an ID removes the image. "
              "Exit 1 when an image named is not known (the others are still removed).", g)
    flag(s, "-f", "--force", help="remove an image with several names by ID; ignore images not known")
    flag(s, "-a", "--all", help="remove every image")
    flag(s, "-i", "--ignore", help="ignore images not known")
    s.add_argument("images", nargs="*", metavar="IMAGE")


def add_inspect(sub, g: GlobalOptions) -> None:
    s = _verb(sub, "inspect", "inspect", "show images' details",
              "Show images' details as JSON in podman's shape, or through a Go template.", g)
    s.add_argument("-f", "--format", metavar="FORMAT", help="json (default) or a Go template")
    s.add_argument("images", nargs="+", metavar="IMAGE")


def add_history(sub, g: GlobalOptions) -> None:
    s = _verb(sub, "history", "history", "show an image's layer history", "Show how an image was built.", g)
    s.add_argument("image", metavar="IMAGE")
    flag(s, "-H", "--human", default=True, help="sizes and dates in human form (default true)")
    flag(s, "-q", "--quiet", help="print only IDs")
    flag(s, "--no-trunc", help="do not truncate output")
    s.add_argument("--format", metavar="FORMAT", help="json, or a Go template")


def add_image_prune(sub, g: GlobalOptions) -> None:
    s = _verb(sub, "prune", "prune", "remove images without a name",
              "Remove dangling images (without a name), or with -a every image, then unused blobs. Asks "
              "first unless -f.", g, run="cmd_image_prune")
    flag(s, "-a", "--all", help="remove every image, not only dangling ones")
    flag(s, "-f", "--force", help="do not ask")


def build_verbs(sub, g: GlobalOptions) -> None:
    add_images(sub, g)
    add_load(sub, g)
    add_save(sub, g)
    add_pull(sub, g)
    add_push(sub, g)
    add_copy(sub, g)
    add_login(sub, g)
    add_logout(sub, g)
    add_tag(sub, g)
    add_untag(sub, g)
    add_rmi(sub, g)
    add_inspect(sub, g)
    add_history(sub, g)
    _verb(sub, "check", "check", "verify the store", "Verify every blob and image record in the store.", g)
    _verb(sub, "prune", "blobprune", "remove blobs that no image uses",
          "Remove blobs no image uses and stale staging areas (the images stay; see `estiba image prune`).",
          g, run="cmd_prune")
    _verb(sub, "version", "version", "show the version", "Show Estiba's version.", g)
    s = _verb(sub, "completion", "completion", "print a shell completion script",
              "Print a completion script for bash, zsh or fish.", g)
    s.add_argument("shell", choices=["bash", "zsh", "fish"])

    group = sub.add_parser("image", help="manage images (ls, tag, rm, inspect, history, save, load, pull, "
                           "push, prune, untag)", description="Manage images: the same verbs as at the top "
                           "level, grouped as `podman image` groups them.")
    g(group)
    group.set_defaults(run=None)
    inner = group.add_subparsers(dest="image_command", metavar="COMMAND", parser_class=type(group))
    group.set_defaults(group_parser=group)
    add_images(inner, g, "ls", aliases=("list",))
    add_tag(inner, g)
    add_untag(inner, g)
    add_rmi(inner, g, "rm")
    add_inspect(inner, g)
    add_history(inner, g)
    add_save(inner, g)
    add_load(inner, g)
    add_pull(inner, g)
    add_push(inner, g)
    add_image_prune(inner, g)
