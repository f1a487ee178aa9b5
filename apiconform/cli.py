"""The `apiconform` command line: parses arguments, dispatches, maps errors to exit codes.

Exit codes: 0 conformant/clean; 1 non-conformant (contract failures, stale generated code); 2 usage, config or
spec error; 3 target unreachable or credentials rejected; 70 internal error (a bug in apiconform); 130 Ctrl-C.
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from apiconform import __version__
from apiconform.commands.contract import add_contract_argument
from apiconform.commands.reporting import add_report_arguments
from apiconform.commands.texts import COMMANDS, DESCRIPTION, EPILOG, SURFACE_NAMES
from apiconform.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, ApiconformError, UsageError, did_you_mean


class _Parser(argparse.ArgumentParser):
    """Every parser and subparser: no abbreviated options (`--credential` is not taken for `--credentials`),
    epilog examples kept as written, and each mistake one line with a did-you-mean, raised as our UsageError
    (exit 2) instead of argparse's usage dump."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.option_names: list[str] = []  # before super().__init__, which adds -h/--help
        kwargs.setdefault("allow_abbrev", False)
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        super().__init__(*args, **kwargs)

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        action = super().add_argument(*args, **kwargs)
        self.option_names += action.option_strings
        return action

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message}; see `{self.prog} --help`")

    # argparse's hook for a value outside `choices` (a command, diff --format): its own message quotes every
    # choice and suggests nothing. If a Python release stopped calling it, argparse's message would show instead.
    def _check_value(self, action: argparse.Action, value: Any) -> None:
        choices = action.choices
        if choices is not None and value not in choices:
            names = [str(c) for c in choices]
            hint = did_you_mean(str(value), names)
            raise argparse.ArgumentError(action, f"invalid choice: {value!r}{hint}; choose from {', '.join(names)}")

    def unrecognized(self, extras: list[str], also: Sequence[str] = ()) -> NoReturn:
        """The one-line error for arguments no parser took, with a did-you-mean for the first unknown option."""
        typed = next((e.split("=", 1)[0] for e in extras if e.startswith("-")), "").lstrip("-")
        # Compared without their dashes: every option has them, which would make `--colour` close to `--record`.
        bare = {name.lstrip("-"): name for name in [*self.option_names, *also]}
        # An abbreviation (what argparse used to accept silently) names its option; otherwise the closest spelling.
        completions = [name for name in bare if typed and name.startswith(typed)]
        match = completions if len(completions) == 1 else difflib.get_close_matches(typed, list(bare), n=1)
        hint = f" (did you mean {bare[match[0]]!r}?)" if typed and match else ""
        self.error(f"unrecognized arguments: {' '.join(extras)}{hint}")


def _build_parser() -> tuple[_Parser, dict[str, _Parser]]:
    """The top-level parser and its subparser per command (for the options of the command that was chosen)."""
    from apiconform.commands import baseline, compare, diff, merge, proxy, repro, run

    parser = _Parser(prog="apiconform", description=DESCRIPTION, epilog=EPILOG)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(
        dest="command", required=True, parser_class=_Parser, title="commands", metavar="COMMAND"
    )
    arguments = {
        "run": run.add_arguments,
        "mock": _add_mock_arguments,
        "proxy": proxy.add_arguments,
        "diff": diff.add_arguments,
        "compare": compare.add_arguments,
        "baseline": baseline.add_arguments,
        "merge": merge.add_arguments,
        "replay": _add_replay_arguments,
        "repro": repro.add_arguments,
        "lint": _add_lint_arguments,
        "codegen": _add_codegen_arguments,
    }
    commands: dict[str, _Parser] = {}
    for name, text in COMMANDS.items():
        command = sub.add_parser(name, help=text.summary, description=text.full_description(), epilog=text.epilog())
        assert isinstance(command, _Parser)
        if name in arguments:
            arguments[name](command)
        commands[name] = command
    return parser, commands


def _add_lint_arguments(lint: argparse.ArgumentParser) -> None:
    lint.add_argument("specs", nargs="*", type=Path, metavar="SPEC", help="spec files (default: every specs/*.yaml)")


def _add_codegen_arguments(codegen: argparse.ArgumentParser) -> None:
    codegen.add_argument("surfaces", nargs="*", metavar="SURFACE", help=f"{SURFACE_NAMES} (default: all)")
    codegen.add_argument("--check", action="store_true", help="exit 1 and print the diff when generated/ is stale")
    add_contract_argument(codegen, "models that parse what real servers send (observed) or only what is documented")


def _add_mock_arguments(mock: argparse.ArgumentParser) -> None:
    mock.add_argument("surface", nargs="?", metavar="SURFACE", help=f"the surface to serve: {SURFACE_NAMES}")
    mock.add_argument("--host", default="127.0.0.1", help="interface to listen on (default: %(default)s)")
    mock.add_argument("--port", type=int, default=0, metavar="N", help="port; 0 picks a free one (default: 0)")
    mock.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="NAME",
        help="a fault profile to switch on, repeatable (default: none)",
    )
    mock.add_argument("--credentials-out", type=Path, metavar="FILE", help="write working credentials here (JSON)")
    mock.add_argument("--seed", type=int, default=0, metavar="N", help="seed for the mock's data (default: 0)")
    add_contract_argument(mock, "answer like the real vendor (observed) or strictly as documented")
    mock.add_argument("--list-faults", action="store_true", help="list the fault profiles and exit")


def _add_replay_arguments(replay: argparse.ArgumentParser) -> None:
    replay.add_argument("recording", type=Path, metavar="FILE", help="a recording written by `run --record FILE`")
    add_contract_argument(replay, "re-judge by the observed contract or by the documents alone")
    add_report_arguments(replay)


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser, commands = _build_parser()
    args, extras = parser.parse_known_args(argv)
    if extras:  # argparse would name them without a suggestion; the chosen command's options are the candidates
        commands.get(args.command, parser).unrecognized(extras, also=parser.option_names)
    return args


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "lint":
        from apiconform.commands.lint import run_lint

        return run_lint(list(args.specs))
    if args.command == "codegen":
        from apiconform.commands.codegen import run_codegen

        return run_codegen(list(args.surfaces), check_only=args.check, contract=args.contract)
    if args.command == "checks":
        import apiconform.proxy.checks  # noqa: F401 - registers the client-side check ids
        from apiconform.checks import CHECKS

        width = max(map(len, CHECKS))
        for check in CHECKS.values():
            print(f"{check.id:<{width}}  {check.group:<8}  {check.description}")
        return 0
    return _dispatch_traffic(args)


def _dispatch_traffic(args: argparse.Namespace) -> int:
    """The commands that send, serve or judge traffic and their reports."""
    if args.command == "mock":
        from apiconform.commands.mock import run_mock

        return run_mock(args)
    if args.command == "run":
        from apiconform.commands.run import run_command

        return run_command(args)
    if args.command == "proxy":
        from apiconform.commands.proxy import run_proxy

        return run_proxy(args)
    if args.command == "diff":
        from apiconform.commands.diff import run_diff

        return run_diff(args)
    if args.command == "baseline":
        from apiconform.commands.baseline import run_baseline

        return run_baseline(args)
    if args.command == "compare":
        from apiconform.commands.compare import run_compare

        return run_compare(args)
    if args.command == "merge":
        from apiconform.commands.merge import run_merge

        return run_merge(args)
    if args.command == "replay":
        from apiconform.commands.replay import run_replay

        return run_replay(args)
    if args.command == "repro":
        from apiconform.commands.repro import run_repro

        return run_repro(args)
    raise UsageError(f"unknown command {args.command!r}; see `apiconform --help`")  # pragma: no cover


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; never lets a traceback reach the user unless APICONFORM_DEBUG is set."""
    try:
        try:
            args = _parse(argv)
        except SystemExit as exc:  # --help and --version print, then argparse exits 0
            return exc.code if isinstance(exc.code, int) else 0
        return _dispatch(args)
    except ApiconformError as exc:
        print(f"apiconform: error: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("apiconform: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:
        if os.environ.get("APICONFORM_DEBUG"):
            traceback.print_exc()
        print(
            f"apiconform: internal error: {type(exc).__name__}: {exc}; rerun with APICONFORM_DEBUG=1 and report it",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
