"""Implementations of the `apiconform` subcommands, one module each (dispatched from apiconform.cli)."""
