"""The command line's words for the engine's hints (engine/errors.py): each names the flag or the verb to use."""

from __future__ import annotations

from engine.errors import EstibaError, Hint

# Appended to the error's message; {name} fields come from the error's params.
_WORDS: dict[Hint, str] = {
    Hint.CHOOSE_PLATFORM: "; choose one with --platform",
    Hint.ONE_PLATFORM: "; drop --all-platforms to copy one platform (--platform os/arch)",
    Hint.NAME_THE_IMAGE: "; name the image to copy (PATH:NAME, or PATH:@N for the N-th)",
    Hint.TLS_TRUST_CA: "; put its CA certificate in /etc/containers/certs.d/{host}/ca.crt, or use --tls-verify=false",
    Hint.TLS_VERIFY_OFF: "; for a plain-HTTP registry use --tls-verify=false",
    Hint.LOGIN_NEEDED: "; log in to {registry} first",
    Hint.NEED_AUTHFILE: ": start a Secret Service such as gnome-keyring, or pass --authfile PATH to store the "
                        "login in podman's auth.json (in plain base64)",
    Hint.NAME_A_REGISTRY: ", or --all",
    Hint.CHECK_STORE: "; run `estiba check`",
    Hint.CHOOSE_STORE: "; choose another with --store",
    Hint.FORCE_REMOVE: " or use -f to remove the image",
    Hint.LIST_IMAGES: " (see `estiba images`)",
    Hint.KEEP_COMPRESSION: "; drop --compress",
    Hint.TRY_AGAIN: "; run the command again",
    Hint.ENGINE_LIST: " (see `estiba images --engine {tool}`)",
    Hint.ENGINE_RETRY: "; check that {engine} still runs (`{tool} info`) and run the command again",
}

# Per engine: Podman (rootless socket, systemd user unit) and Docker (docker group, system service).
_ENGINE_WORDS: dict[Hint, dict[str, str]] = {
    Hint.ENGINE_INSTALL: {"podman": "; install podman (apt install podman)",
                          "docker": "; install Docker (apt install docker.io) or set DOCKER_HOST"},
    Hint.ENGINE_START: {"podman": "; start it with `systemctl --user start podman.socket` or set CONTAINER_HOST",
                        "docker": "; start it with `sudo systemctl start docker` or set DOCKER_HOST"},
    Hint.ENGINE_PERMISSION: {
        "podman": "; run estiba as the user who owns it, or use your rootless socket "
                  "($XDG_RUNTIME_DIR/podman/podman.sock: `systemctl --user start podman.socket`)",
        "docker": "; add yourself to the docker group (`sudo usermod -aG docker $USER`, then log in again) or "
                  "use rootless Docker ($XDG_RUNTIME_DIR/docker.sock)"},
}


def worded(exc: EstibaError) -> str:
    """The error's message with its hint in the CLI's words."""
    text = str(exc)
    hint = exc.hint
    if hint is Hint.LOGOUT_ELSEWHERE:
        p = exc.params
        command = f"docker logout {p['registry']}" if p.get("tool") == "docker" else \
            f"estiba logout --authfile {p.get('path', '')} {p['registry']}"
        return f"{text}: use `{command}`"
    if hint is None:
        return text
    engine = exc.params.get("engine", "").lower()
    if engine not in ("podman", "docker"):
        engine = "podman"  # the engine is always named; podman is the course's
    if hint in _ENGINE_WORDS:
        return text + _ENGINE_WORDS[hint][engine]
    if hint in (Hint.ENGINE_RETRY, Hint.ENGINE_LIST):
        return text + _WORDS[hint].format(**{**exc.params, "engine": exc.params.get("engine", "Podman"),
                                             "tool": engine})
    return text + _WORDS[hint].format(**exc.params)
