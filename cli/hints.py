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
    return text + _WORDS[hint].format(**exc.params)
