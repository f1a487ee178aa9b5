"""Implementations of the `apiconform` subcommands, one module each (dispatched from apiconform.cli)."""


def plural(count: int, noun: str) -> str:
    """`1 spec`, `2 specs`: counts in messages agree with their noun (every noun used here takes an s)."""
    return f"{count} {noun}{'' if count == 1 else 's'}"
