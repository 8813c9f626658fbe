"""Thin command-line scripts over the atlas core; each is run as ``python scripts/<name>.py``."""
