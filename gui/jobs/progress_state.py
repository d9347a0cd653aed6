"""The GUI reads the engine's one progress aggregation (engine/progress_state.py), as the terminal does."""

from engine.progress_state import DONE, EMPTY, RUNNING, SKIPPED, BlobProgress, ProgressAggregator, ProgressSnapshot

__all__ = ["DONE", "EMPTY", "RUNNING", "SKIPPED", "BlobProgress", "ProgressAggregator", "ProgressSnapshot"]
