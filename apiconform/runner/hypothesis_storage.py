"""Keeps Hypothesis' on-disk caches out of the user's working directory during a run.

Hypothesis writes `.hypothesis/` into the current directory: the constants it mines from source files
(`constants/`) and its Unicode tables (`unicode_data/`), whatever the example-database setting (a run is
derandomized and never uses that database). A run writes nothing but its reports, so while it drives Hypothesis
those caches go to a temporary directory: rebuilding them costs about 0.2 s per process.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator

from hypothesis.configuration import set_hypothesis_home_dir


@contextlib.contextmanager
def private_hypothesis_storage() -> Iterator[None]:
    """Hypothesis' storage in a fresh temporary directory for the duration, deleted afterwards."""
    with tempfile.TemporaryDirectory(prefix="apiconform-hypothesis-", ignore_cleanup_errors=True) as scratch:
        set_hypothesis_home_dir(scratch)
        try:
            yield
        finally:
            # None = Hypothesis' own choice again (HYPOTHESIS_STORAGE_DIRECTORY, else ./.hypothesis), so a pytest
            # session that runs the plugin keeps its example database where it expects it for its other tests.
            set_hypothesis_home_dir(None)
