#!/usr/bin/env bash
# The one command that runs the whole test suite, from a clean clone on a fresh Debian/Ubuntu machine:
#   1. installs the system tools the tests use as oracles/services (apt, when root),
#   2. creates .venv and installs the project with its test extras (skipped when unchanged),
#   3. lints with ruff,
#   4. runs pytest inside a private D-Bus session with an unlocked gnome-keyring (for `keyring`)
#      and Qt on the offscreen platform.
# Extra arguments go to pytest:  tests/run.sh tests/engine -x
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Qt's xcb platform (Qt 6.5+) links these X11 libraries (measured with ldd on PySide6's libqxcb.so and
# libQt6XcbQpa.so); a test runs the real xcb platform under Xvfb so that a missing one fails here.
XCB_PACKAGES=(
    libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-render0 libxcb-shape0
    libxcb-randr0 libxcb-xfixes0 libxcb-xkb1 libxcb-sync1 libxcb-shm0 libxcb-util1 libx11-xcb1 libxkbcommon-x11-0
)
APT_PACKAGES=(
    skopeo podman umoci docker-registry docker.io gnome-keyring dbus dbus-x11 tinyproxy
    libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0 time ca-certificates
    "${XCB_PACKAGES[@]}" xvfb xauth desktop-file-utils xdg-utils libglib2.0-bin shared-mime-info
)
REQUIRED_COMMANDS=(skopeo podman umoci docker-registry dockerd docker containerd gnome-keyring-daemon dbus-run-session Xvfb
    tinyproxy
    desktop-file-validate xdg-mime gio update-mime-database update-desktop-database)
REQUIRED_LIBS=(libEGL.so.1 libGL.so.1 libxkbcommon.so.0 libfontconfig.so.1 libdbus-1.so.3 libglib-2.0.so.0
    libxcb-cursor.so.0 libxcb-icccm.so.4 libxcb-keysyms.so.1 libxcb-image.so.0 libxcb-render-util.so.0
    libxcb-shape.so.0 libxcb-randr.so.0 libxcb-xfixes.so.0 libxcb-xkb.so.1 libxcb-sync.so.1 libxcb-shm.so.0
    libxcb-util.so.1 libX11-xcb.so.1 libxkbcommon-x11.so.0)

log() { printf '[run.sh] %s\n' "$*" >&2; }

missing_system_deps() {
    local cmd lib libs
    for cmd in "${REQUIRED_COMMANDS[@]}"; do
        command -v "$cmd" >/dev/null 2>&1 || echo "command:$cmd"
    done
    [[ -x /usr/bin/time ]] || echo "command:/usr/bin/time"
    [[ -e /etc/containers/policy.json ]] || echo "file:/etc/containers/policy.json"
    libs=$(ldconfig -p 2>/dev/null || true)
    for lib in "${REQUIRED_LIBS[@]}"; do
        grep -qF "$lib" <<<"$libs" || echo "lib:$lib"
    done
    python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || echo "python:venv"
}

# Debian names some libraries differently on newer Ubuntu (the t64 transition): pick what exists.
resolve_package() {
    local pkg=$1 cand
    for cand in "$pkg" "${pkg}t64"; do
        if apt-cache show --no-all-versions "$cand" >/dev/null 2>&1; then
            echo "$cand"
            return
        fi
    done
    log "warning: no apt package '$pkg' here; skipping it"
}

install_system_deps() {
    local missing pkgs=() pkg resolved
    missing=$(missing_system_deps)
    [[ -z "$missing" ]] && return 0
    log "missing: $(tr '\n' ' ' <<<"$missing")"
    pkgs=("${APT_PACKAGES[@]}")
    grep -q '^python:venv' <<<"$missing" && pkgs+=(python3-venv)
    if [[ $(id -u) -ne 0 ]]; then
        log "not root: install these first, then re-run:"
        echo "  sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y" \
            "--no-install-recommends ${pkgs[*]}" >&2
        exit 1
    fi
    log "apt-get update"
    apt-get update -qq
    local resolved_pkgs=()
    for pkg in "${pkgs[@]}"; do
        resolved=$(resolve_package "$pkg")
        [[ -n "$resolved" ]] && resolved_pkgs+=("$resolved")
    done
    log "apt-get install ${resolved_pkgs[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        -o Dpkg::Use-Pty=0 "${resolved_pkgs[@]}" >/dev/null
    missing=$(missing_system_deps)
    if [[ -n "$missing" ]]; then
        log "still missing after apt-get install: $(tr '\n' ' ' <<<"$missing")"
        exit 1
    fi
}

install_python_deps() {
    local stamp=.venv/.estiba-deps-stamp want
    if [[ ! -x .venv/bin/python ]]; then
        log "creating .venv"
        python3 -m venv .venv
    fi
    want="$(sha256sum pyproject.toml | cut -d' ' -f1) $(.venv/bin/python -c 'import sys; print(sys.version)')"
    if [[ -f $stamp && "$(cat "$stamp")" == "$want" ]] && .venv/bin/python -m pytest --version >/dev/null 2>&1; then
        return 0
    fi
    log "pip install -e '.[test]'"
    .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
    printf '%s' "$want" >"$stamp"
}

run_lint() {
    local dir targets=()
    for dir in engine cli gui tests; do
        [[ -d $dir ]] && targets+=("$dir")
    done
    log "ruff check ${targets[*]}"
    .venv/bin/ruff check "${targets[@]}"
}

run_pytest() {
    local keyring_home rc=0
    keyring_home=$(mktemp -d /tmp/estiba-keyring.XXXXXX)
    # shellcheck disable=SC2064
    trap "rm -rf '$keyring_home'" EXIT
    while IFS= read -r var; do unset "$var"; done < <(compgen -e | grep '^REGISTRY_' || true)
    export ESTIBA_KEYRING_HOME=$keyring_home
    # gnome-keyring creates and unlocks the "login" collection only for a non-empty password
    # (with an empty one, keyring.set_password fails with "Prompt dismissed"). Its files go to a
    # throw-away XDG_DATA_HOME so no real keyring is touched.
    dbus-run-session -- bash -c '
        set -euo pipefail
        printf "%s" estiba-test | XDG_DATA_HOME="$ESTIBA_KEYRING_HOME" \
            gnome-keyring-daemon --unlock --components=secrets --daemonize >/dev/null
        unset ESTIBA_KEYRING_HOME
        export QT_QPA_PLATFORM=offscreen
        exec .venv/bin/python -m pytest "$@"
    ' bash "$@" || rc=$?
    if [[ $rc -eq 5 ]]; then
        log "pytest collected no tests: failing"
        return 1
    fi
    return "$rc"
}

install_system_deps
install_python_deps
run_lint
run_pytest "$@"
