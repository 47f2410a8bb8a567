"""Runs tests/python with pytest for ctest (tests/CMakeLists.txt): exits 77, which ctest reports as skipped, when
pytest or pandas is missing from this interpreter (Debian: apt-get install python3-pytest python3-pandas), so that
a machine without them says so instead of failing."""
import importlib.util
import pathlib
import sys

missing = [name for name in ("pytest", "pandas") if importlib.util.find_spec(name) is None]
if missing:
    print(f"SKIP: {sys.executable} has no {' and no '.join(missing)} "
          "(Debian: apt-get install python3-pytest python3-pandas)")
    sys.exit(77)

import pytest  # noqa: E402

sys.exit(pytest.main(["-q", "-p", "no:cacheprovider", str(pathlib.Path(__file__).resolve().parent), *sys.argv[1:]]))
