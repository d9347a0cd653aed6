"""Errors the engine raises. Each message is one line: what is wrong and, where it helps, what to do."""


class EstibaError(Exception):
    """Base class; the CLI prints `Error: <message>` and exits 125."""


class InvalidInput(EstibaError):
    """The input (an archive, a directory, a JSON document, a name) is malformed or hostile."""


class DigestMismatch(InvalidInput):
    """Bytes did not hash to the digest (or size) that describes them."""


class NotFound(EstibaError):
    """An image, a name, a blob or a file does not exist."""


class Unsupported(EstibaError):
    """The operation is valid but this format or destination cannot do it."""


class Cancelled(EstibaError):
    """The user cancelled the operation; nothing was changed."""

    def __init__(self, message: str = "cancelled") -> None:
        super().__init__(message)
