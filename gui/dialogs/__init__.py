"""Dialogs: login, push, pull, tag, inspect, settings, and the one module every file dialog goes through."""
