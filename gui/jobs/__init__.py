"""Engine calls on worker threads: transfer jobs (load, export, pull, push) and small background tasks."""
