"""Where the package's own pyarrow work takes its memory: the system allocator, not pyarrow's default pool.

pyarrow's default pool (mimalloc) reserves 1 GiB of address space at its first allocation, however small. Under
an address-space limit (``ulimit -v``, RLIMIT_AS: some Airflow workers; the million-row load's 2 GiB in
tests/integration/) that gigabyte is gone for the process's other allocators: numpy, calamine's readers ("memory
allocation of 1 bytes failed"). The system pool takes what it uses.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:
    import pyarrow as pa


@contextlib.contextmanager
def system_pool() -> Iterator[pa.MemoryPool]:
    """Within the block, pyarrow calls given no pool of their own (compute kernels, ``pa.array``, the CSV reader,
    pandas' Arrow columns) allocate from the system pool, which is yielded for the calls that take one; the pool
    before is the default again after the block, whatever happened in it.

    Some of pyarrow takes the C++ default pool whatever this says: Acero's plans (``Table.group_by``), the CSV
    reader's transcoding of another encoding (``ReadOptions.encoding``), the conversion to numpy of booleans or of
    several chunks, the parquet reader. Code in the block does without them (see :mod:`qdanalysis.read.smslog`).
    """
    import pyarrow as pa

    pool = pa.system_memory_pool()
    before = pa.default_memory_pool()
    pa.set_memory_pool(pool)
    try:
        yield pool
    finally:
        pa.set_memory_pool(before)
