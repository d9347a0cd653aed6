"""Podman's and Docker's own images, through their REST APIs on a unix socket (docs/engines.md): finding the
socket (discovery.py), a small HTTP/1.1 client (socket_http.py), the two APIs (client.py), reading an export
(export_source.py) and streaming a docker-archive into a load request (load_stream.py)."""
