"""Running the compiled kernels (the forest, the comparable-film search, the mixture's quantiles):
numba's compilation with its on-disk cache, and a batch's rows split across the usable cores, one
range per core, each written in place by its own thread (the kernels release the GIL)."""
from __future__ import annotations

from boxoffice.cores import usable_cores


def compiled(function, **options):
    """numba's compiled ``function``, cached beside its module; compiled afresh in each process where
    numba finds no writable place for its cache (it refuses ``cache=True`` there)."""
    import numba

    try:
        return numba.njit(cache=True, **options)(function)
    except RuntimeError:
        return numba.njit(**options)(function)


def row_parts(n: int, min_rows: int, multiple: int = 1) -> list[slice]:
    """Row slices of ``range(n)``, one per usable core, each a whole number of ``multiple`` rows; one
    slice below ``min_rows`` (threads cost more than they save there)."""
    cores = usable_cores()
    if cores < 2 or n < min_rows:
        return [slice(0, n)]
    step = -(-n // cores // multiple) * multiple
    return [slice(start, min(start + step, n)) for start in range(0, n, step)]


def run_parts(job, n: int, min_rows: int, multiple: int = 1) -> None:
    """``job(part)`` for each of ``row_parts``, in parallel threads when there are several."""
    parts = row_parts(n, min_rows, multiple)
    if len(parts) == 1:
        job(parts[0])
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(len(parts)) as pool:
        list(pool.map(job, parts))
