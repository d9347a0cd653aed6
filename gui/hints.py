"""The GUI's words for the engine's hints (engine/errors.py): each names a control of this app (a checkbox,
a menu item, a field), never a command-line flag. Translated through tr() (context "Hints")."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from engine.errors import EstibaError, Hint

translate = QCoreApplication.translate  # called with literal texts: lupdate reads them (a wrapper hides them)


def hint_text(exc: EstibaError) -> str:
    """The hint as a sentence to put after the error's message ("" when the error carries none)."""
    p = exc.params
    hint = exc.hint
    if hint is None:
        return ""
    if hint is Hint.CHOOSE_PLATFORM:
        return translate("Hints", "Choose one of them in the Platform list.")
    if hint is Hint.ONE_PLATFORM:
        return translate("Hints", "Choose one platform instead of All platforms.")
    if hint is Hint.NAME_THE_IMAGE:
        return translate("Hints", "Add the name of the image to take after the path (PATH:NAME, or PATH:@N for the "
                                  "N-th).")
    if hint is Hint.TLS_TRUST_CA:
        return translate("Hints", "Put its CA certificate in /etc/containers/certs.d/{host}/ca.crt, or untick "
                                  "“Verify the registry's TLS certificate”.").format(host=p.get("host", ""))
    if hint is Hint.TLS_VERIFY_OFF:
        return translate("Hints", "For a plain-HTTP registry, untick “Verify the registry's TLS certificate”.")
    if hint is Hint.LOGIN_NEEDED:
        return translate("Hints", "Log in to {registry} first (Log In… in the "
                                  "toolbar).").format(registry=p.get("registry", ""))
    if hint is Hint.NEED_AUTHFILE:
        return translate("Hints", "Start a Secret Service such as gnome-keyring, or tick “Save this login in podman's "
                                  "auth.json instead”.")
    if hint is Hint.LOGOUT_ELSEWHERE:
        if p.get("tool") == "docker":
            return translate("Hints", "Log out with Docker: docker logout "
                                      "{registry}.").format(registry=p.get("registry", ""))
        return translate("Hints", "It is kept in {path}; log out with “Save this login in podman's auth.json instead” "
                                  "ticked.").format(path=p.get("path", ""))
    if hint is Hint.NAME_A_REGISTRY:
        return translate("Hints", "Choose a registry to log out of.")
    if hint is Hint.CHECK_STORE:
        return translate("Hints", "The store may be damaged: run a check of the store (estiba check).")
    if hint is Hint.CHOOSE_STORE:
        return translate("Hints", "Choose another image store in Settings.")
    if hint is Hint.FORCE_REMOVE:
        return translate("Hints", "Remove it from the image list to remove it with all its names.")
    if hint is Hint.LIST_IMAGES:
        return translate("Hints", "It is not in the image list.")
    if hint is Hint.KEEP_COMPRESSION:
        return translate("Hints", "Choose “As stored” compression for this format.")
    if hint is Hint.TRY_AGAIN:
        return translate("Hints", "Try again (Retry in the transfers list).")
    return _engine_hint_text(hint, p.get("engine", "").lower())


def _engine_hint_text(hint: Hint, engine: str) -> str:
    """Podman's and Docker's states, as the Places list words them."""
    podman = engine == "podman"
    if hint is Hint.ENGINE_INSTALL:
        return translate("Hints", "Install Podman to see its images here.") if podman else \
            translate("Hints", "Install Docker to see its images here.")
    if hint is Hint.ENGINE_START:
        return translate("Hints", "Start Podman's service (Start in the Places list), then try again.") if podman else \
            translate("Hints", "Start Docker's service (sudo systemctl start docker), then try again.")
    if hint is Hint.ENGINE_PERMISSION:
        return translate("Hints", "Use your own rootless Podman instead of another user's.") if podman else \
            translate("Hints", "Join the docker group (then log out and in again), or use rootless Docker.")
    if hint is Hint.ENGINE_LIST:
        return translate("Hints", "It is not in Podman's image list.") if podman else \
            translate("Hints", "It is not in Docker's image list.")
    if hint is Hint.ENGINE_RETRY:
        return translate("Hints", "Check that the engine still runs, then use Retry in the transfers list.")
    return ""


def worded(exc: EstibaError) -> str:
    """The error's message followed by its hint in the GUI's words."""
    text = " ".join(str(exc).split())
    extra = hint_text(exc)
    return f"{text}. {extra}" if extra and text else (text or extra)
