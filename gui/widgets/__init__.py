"""Reusable widgets: the image table, the transfers dock, the drop hint and overlay, the message bar..."""
