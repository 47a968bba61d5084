"""Writing files so that a crash leaves either the old file or the new one, never half of one."""
from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from boxoffice.errors import InputError


def _umask() -> int:
    """The process umask; read from /proc where Linux shows it, as setting it to read it races threads."""
    try:
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def honour_umask(path: Path) -> Path:
    """Give a ``tempfile`` file (0600) or folder (0700) the mode of one the user makes: 0666 or 0777
    less the umask (0644 / 0755 under the usual 022), before it is renamed into place."""
    os.chmod(path, (0o777 if os.path.isdir(path) else 0o666) & ~_umask())
    return Path(path)


def check_writable(target: Path) -> None:
    """``InputError`` now, before any work, for an output that cannot be written: a folder, or a path
    under a file or in a folder this user may not write (a report's backtest took minutes to find it)."""
    target = Path(target)
    if target.is_dir():
        raise InputError(f"cannot write {target}: it is a folder", hint="give the path of a file inside it")
    folder = target.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise InputError(f"cannot write {target}: {folder} is a file, not a folder", hint="choose another path")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(f"cannot write {target}: {folder} is not writable", hint="choose a folder you can write to")


@contextlib.contextmanager
def atomic_path(target: Path, suffix: str = ".tmp"):
    """Yield a temp path beside ``target``; on success rename it over ``target``, else delete it."""
    target = Path(target)
    check_writable(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}-", suffix=suffix, dir=target.parent)
    except OSError as err:
        raise InputError(f"cannot write {target}: {err.strerror or err}", hint="choose a folder you can write to") from None
    os.close(fd)
    try:
        yield Path(tmp)
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        honour_umask(tmp)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def same_file(a: Path, b: Path) -> bool:
    """True if writing ``a`` would replace ``b``: one file after symlinks, hard links and ``..``."""
    try:
        if os.path.samefile(a, b):
            return True
    except OSError:  # one of them does not exist (yet)
        pass
    return Path(a).resolve() == Path(b).resolve()


def _inside(path: Path, folder: Path) -> bool:
    return Path(path).resolve().is_relative_to(Path(folder).resolve())


def refuse_overwriting(outputs: dict, inputs: dict | None = None, folders: dict | None = None) -> None:
    """Raise ``InputError`` before any work if an output would replace an input, another output, or a file
    in a folder the toolkit reads (the public data, the model store).

    Each dict maps what the user calls the file (``"--output"``, ``"the film table"``) to its path, or None
    when not given.
    """
    given = [(name, Path(path)) for name, path in outputs.items() if path is not None]
    sources = [(name, Path(path)) for name, path in (inputs or {}).items() if path is not None]
    for i, (name, path) in enumerate(given):
        check_writable(path)
        for other, source in sources + given[:i]:
            if same_file(path, source):
                raise InputError(f"{name} {path} is the same file as {other} {source}: writing it would replace "
                                 f"{'that output' if (other, source) in given else 'the input'}",
                                 hint=f"give {name} another path")
        for other, folder in (folders or {}).items():
            if folder is not None and _inside(path, folder):
                raise InputError(f"{name} {path} is inside {other} {folder}: writing it would replace what the "
                                 "toolkit reads there", hint=f"give {name} a path outside {folder}")


class Busy(Exception):
    """Another process held the lock for the whole wait (``exclusive``)."""


@contextlib.contextmanager
def exclusive(lock_file: Path, wait: float = 0.0, on_wait=None, busy: str = "another run holds the lock"):
    """Hold an exclusive advisory lock on ``lock_file`` (made if need be) for the ``with`` block: one
    writer at a time, a second waits up to ``wait`` seconds (``on_wait(message)`` told once when it
    starts waiting), then ``Busy``. The lock goes with the process: a crash never leaves it held."""
    import fcntl
    import time

    handle = Path(lock_file).open("a+")
    deadline = time.monotonic() + wait
    told = False
    try:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise Busy(busy) from None
                if on_wait and not told:
                    on_wait(f"{busy}; waiting up to {wait:.0f}s")
                    told = True
                time.sleep(0.2)
        yield
    finally:
        handle.close()
