"""The console-script entry point, kept apart from ``main`` so that it loads nothing heavy."""
import sys


def main() -> None:
    """Run ``boxoffice``; even a Ctrl-C while the CLI is still loading ends without a traceback."""
    try:
        from boxoffice_cli.main import run
    except KeyboardInterrupt:
        sys.stderr.write("interrupted: nothing stored was changed\n")
        raise SystemExit(130) from None
    try:
        run()
    except SystemExit as done:
        _leave(done.code)
    _leave(0)


def _leave(code) -> None:
    """End the process once the command's work is done, without tearing the interpreter down: freeing
    pandas', SciPy's and numba's modules and every object cost each command about half a second after
    its last line was printed (a cold ``predict`` 2.7 s -> 2.2 s). As at Python's own exit, the
    ``atexit`` handlers run and the output is flushed; a text given as the code is printed, exit 1."""
    import atexit
    import os

    if code is not None and not isinstance(code, int):
        sys.stderr.write(f"{code}\n")
        code = 1
    atexit._run_exitfuncs()  # what Python runs at exit: logging's flush, tempfile's and weakref's finalizers
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader that has gone (`| head`), or a closed stream
            pass
    os._exit(code or 0)
