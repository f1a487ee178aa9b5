"""The `apiconform` command line: parses arguments, dispatches, maps errors to exit codes.

Exit codes: 0 conformant/clean; 1 non-conformant (contract failures, stale generated code); 2 usage, config or
spec error; 3 target unreachable or credentials rejected; 70 internal error (a bug in apiconform); 130 Ctrl-C.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from apiconform.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, ApiconformError, UsageError


class _Parser(argparse.ArgumentParser):
    # argparse prints usage and exits 2 by itself; route it through our one-line error instead.
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message}; see `{self.prog} --help`")


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="apiconform", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    lint = sub.add_parser("lint", help="lint OpenAPI specs (default: every spec in specs/)")
    lint.add_argument("specs", nargs="*", type=Path, metavar="SPEC")

    gen = sub.add_parser("codegen", help="regenerate pydantic models in generated/ from the specs")
    gen.add_argument("surfaces", nargs="*", metavar="SURFACE")
    gen.add_argument("--check", action="store_true", help="exit 1 and print the diff when generated/ is stale")
    mock = sub.add_parser("mock", help="serve a built-in mock of a surface")
    mock.add_argument("surface", nargs="?", metavar="SURFACE")
    mock.add_argument("--host", default="127.0.0.1")
    mock.add_argument("--port", type=int, default=0, help="0 (default) picks a free port")
    mock.add_argument("--fault", action="append", default=[], metavar="NAME", help="fault profile (repeatable)")
    mock.add_argument("--credentials-out", type=Path, metavar="FILE", help="write working credentials here (JSON)")
    mock.add_argument("--seed", type=int, default=0, help="seed for the mock's data (default 0)")
    mock.add_argument("--list-faults", action="store_true", help="list fault profiles and exit")
    from apiconform.commands.run import add_arguments

    add_arguments(sub.add_parser("run", help="run the contract suite against a server or the embedded mocks"))
    sub.add_parser("checks", help="list every check id with its group and description")

    from apiconform.commands import compare as compare_command
    from apiconform.commands import diff as diff_command
    from apiconform.commands import proxy as proxy_command

    proxy_command.add_arguments(sub.add_parser("proxy", help="validating reverse proxy for a client's traffic"))
    diff_command.add_arguments(
        sub.add_parser("diff", help="breaking changes between two spec versions (file or REV:path)")
    )
    compare_command.add_arguments(sub.add_parser("compare", help="behavioural drift between two report.json files"))

    replay = sub.add_parser("replay", help="re-judge a recorded run (`run --record FILE`) offline against the specs")
    replay.add_argument("recording", type=Path, metavar="FILE")
    replay.add_argument("--report-dir", type=Path, default=Path("reports"))
    replay.add_argument("--format", help="comma-separated subset of junit,allure,html,json,md (default: all)")
    return parser


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "lint":
        from apiconform.commands.lint import run_lint

        return run_lint(list(args.specs))
    if args.command == "codegen":
        from apiconform.commands.codegen import run_codegen

        return run_codegen(list(args.surfaces), check_only=args.check)
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
    if args.command == "compare":
        from apiconform.commands.compare import run_compare

        return run_compare(args)
    if args.command == "replay":
        from apiconform.commands.replay import run_replay

        return run_replay(args)
    if args.command == "checks":
        import apiconform.proxy.checks  # noqa: F401 - registers the client-side check ids
        from apiconform.checks import CHECKS

        width = max(map(len, CHECKS))
        for check in CHECKS.values():
            print(f"{check.id:<{width}}  {check.group:<8}  {check.description}")
        return 0
    raise UsageError(f"unknown command {args.command!r}; see `apiconform --help`")  # pragma: no cover


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; never lets a traceback reach the user unless APICONFORM_DEBUG is set."""
    try:
        args = _build_parser().parse_args(argv)
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
