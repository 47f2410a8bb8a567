# Fixtures of the Python module's tests (tests/CMakeLists.txt runs them with ctest, PYTHONPATH set to the built
# module and COVENANT_BIN to the built CLI, which the tests compare against).
import os
import pathlib
import shutil

import pytest

import covenant

REPO = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def repo():
    return REPO


@pytest.fixture(scope="session")
def covenant_bin():
    path = os.environ.get("COVENANT_BIN") or shutil.which("covenant")
    if not path:
        pytest.skip("COVENANT_BIN is not set and no covenant on PATH")
    return path


@pytest.fixture(scope="session")
def rules():
    """The shipped core packs with the threat catalogue, loaded once."""
    return covenant.Rules()
