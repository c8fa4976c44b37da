"""Builders of test data, shared by every test module (a pytest plugin, see conftest.py).

- time: `fixed_time` stops the clock at NOW for a whole test; a module opts in with
  `pytestmark = pytest.mark.usefixtures("fixed_time")`.
"""

from datetime import datetime

import pytest

# --- time -----------------------------------------------------------------------------------

# The committee tests' "now": the last day of November 2026, in the afternoon.
NOW = datetime(2026, 11, 30, 15, 0)
TODAY = NOW.date()


@pytest.fixture
def fixed_time(clock_at):
    """The clock stands at NOW for the whole test (a test may still move it on)."""
    clock_at(NOW)
    return NOW
