"""Hypothesis' process-wide state during a run: its on-disk caches kept out of the working directory, and the
constants it mines from source files switched off, so the same seed sends the same cases.

Hypothesis writes `.hypothesis/` into the current directory: the constants it mines from source files
(`constants/`) and its Unicode tables (`unicode_data/`), whatever the example-database setting (a run is
derandomized and never uses that database). A run writes nothing into the working directory but its reports, so
while it drives Hypothesis its home is apiconform's directory in the user's cache (`platformdirs`; e.g.
`~/.cache/apiconform/hypothesis`). The Unicode tables are worth keeping between runs: the UTF-8 character table
every generated string draws from takes about 1 s to rebuild, in every process that builds it, on the 2-core
machine. Their content depends only on the Python's Unicode version, which is part of their path, so a cached
table never changes a case. Where that directory cannot be written, a temporary one is used and deleted after.

The mined constants: now and then (p = 0.05 per draw) Hypothesis draws a value from the literals of the "local"
modules loaded in the process (every module in `sys.modules` outside site-packages and the standard library),
re-scanned whenever `sys.modules` grows. So the cases of one seed depended on what else was imported: apiconform's
own modules count when it runs from a checkout but not from a wheel, a second run in one process sees the modules
the first one loaded, and the pytest plugin sees the user's conftest and helpers. Hypothesis has no setting for
it; during a run the local pool is empty (its global constants, the same in every process, stay in use).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import platformdirs
from hypothesis.configuration import set_hypothesis_home_dir
from hypothesis.internal.conjecture import providers
from hypothesis.internal.constants_ast import Constants


def cache_directory() -> Path | None:
    """apiconform's Hypothesis home in the user's cache, created if needed; None when it cannot be written."""
    home = Path(platformdirs.user_cache_dir("apiconform")) / "hypothesis"
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return home if os.access(home, os.W_OK | os.X_OK) else None


@contextlib.contextmanager
def private_hypothesis_storage() -> Iterator[None]:
    """Hypothesis' storage in apiconform's cache directory (else a temporary one) for the duration."""
    with contextlib.ExitStack() as stack:
        home = cache_directory()
        if home is None:
            scratch = tempfile.TemporaryDirectory(prefix="apiconform-hypothesis-", ignore_cleanup_errors=True)
            home = Path(stack.enter_context(scratch))
        set_hypothesis_home_dir(str(home))
        try:
            yield
        finally:
            # None = Hypothesis' own choice again (HYPOTHESIS_STORAGE_DIRECTORY, else ./.hypothesis), so a pytest
            # session that runs the plugin keeps its example database where it expects it for its other tests.
            set_hypothesis_home_dir(None)


@contextlib.contextmanager
def without_local_constants() -> Iterator[None]:
    """No constants mined from the process' own source files for the duration (see the module docstring).

    Hypothesis internals (the module function its providers call, and the cache of permitted constants built
    from it): if a Hypothesis release renames them this does nothing, and tests/apiconform/runner/
    test_determinism.py fails, because the cases then depend on what is imported again."""
    mine = getattr(providers, "_get_local_constants", None)
    cache = getattr(providers, "CONSTANTS_CACHE", None)
    if mine is None or cache is None:
        yield
        return
    nothing = Constants()
    # The cache holds (global, local) permitted constants per draw kind: built from the local pool of an earlier
    # run or test, it would bring that pool back.
    cache.cache.clear()
    providers._get_local_constants = lambda: nothing
    try:
        yield
    finally:
        providers._get_local_constants = mine
        cache.cache.clear()  # the pools it built were empty; Hypothesis' other users get theirs back
