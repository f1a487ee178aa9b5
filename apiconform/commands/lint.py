"""`apiconform lint [SPEC ...]`: lint specs, one line per problem, exit 2 when any spec has a problem."""

from __future__ import annotations

import contextlib
import pathlib
import sys

from apiconform.commands import plural
from apiconform.errors import EXIT_OK, EXIT_USAGE, SpecError
from apiconform.lint import count_examples, lint_spec
from apiconform.spec import load_document
from apiconform.surfaces import SPECS_DIR


def run_lint(paths: list[pathlib.Path]) -> int:
    """Lint `paths` (default: every specs/*.yaml); print problems and a summary to stdout; 0 clean, 2 otherwise."""
    specs = paths or sorted(SPECS_DIR.glob("*.yaml"))
    if not specs:
        sys.stdout.write(f"no specs to lint in {SPECS_DIR}; pass SPEC paths or add specs/<surface>.yaml\n")
        return EXIT_USAGE
    problem_count = example_count = 0
    for path in specs:
        problems = lint_spec(path)
        for problem in problems:
            sys.stdout.write(f"{problem}\n")
        problem_count += len(problems)
        with contextlib.suppress(SpecError):  # a spec that does not load is already reported as a problem
            example_count += count_examples(load_document(path))
    examples = f"{plural(example_count, 'example')} validated"
    if problem_count:
        sys.stdout.write(f"{plural(problem_count, 'problem')} in {plural(len(specs), 'spec')}; {examples}\n")
        return EXIT_USAGE
    sys.stdout.write(f"{plural(len(specs), 'spec')} clean; {examples}\n")
    return EXIT_OK
