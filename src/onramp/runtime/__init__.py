"""Composition: the CLI, the worker registry, the app factory and the adapters chosen by the
settings. Nothing below imports it."""
