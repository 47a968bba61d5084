"""The console-script entry point, kept apart from ``main`` so that it loads nothing heavy."""
import sys


def main() -> None:
    """Run ``boxoffice``; even a Ctrl-C while the CLI is still loading ends without a traceback."""
    try:
        from boxoffice_cli.main import run
    except KeyboardInterrupt:
        sys.stderr.write("interrupted: nothing stored was changed\n")
        raise SystemExit(130) from None
    run()
