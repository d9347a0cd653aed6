"""The `estiba` command line (podman's verbs and flags). It calls the engine and never imports Qt."""
