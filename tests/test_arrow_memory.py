"""The system pool for the package's own pyarrow work, the default pool before it restored after the block."""

from __future__ import annotations

import pyarrow as pa
import pytest

from qdanalysis.arrow_memory import system_pool


@pytest.fixture
def counted():
    """A default pool of the test's own, which counts what it is given (a proxy of the system pool)."""
    before = pa.default_memory_pool()
    pool = pa.proxy_memory_pool(pa.system_memory_pool())
    pa.set_memory_pool(pool)
    yield pool
    pa.set_memory_pool(before)


def test_calls_without_a_pool_take_the_system_pool_in_the_block_and_the_default_after(counted):
    with system_pool() as pool:
        assert pool.backend_name == "system"
        pa.array(range(1000))
    assert counted.max_memory() == 0
    pa.array(range(1000))
    assert counted.max_memory() >= 8000


def test_the_pool_before_is_back_after_an_error_and_after_a_block_in_a_block(counted):
    with pytest.raises(ZeroDivisionError), system_pool():
        1 / 0
    with system_pool():
        with system_pool():
            pass
        pa.array(range(1000))
    assert counted.max_memory() == 0
    pa.array(range(1000))
    assert counted.max_memory() >= 8000
