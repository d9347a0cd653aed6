"""Estiba's desktop app (PySide6). It never parses a format or opens a socket: it calls `engine`."""
