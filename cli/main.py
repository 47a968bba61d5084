"""The ``boxoffice`` command: parse, call the library, render. Nothing more.

Every ``BoxofficeError`` the library raises becomes one message on stderr and
exit code 2; an interrupt says that nothing stored was changed.
"""
from __future__ import annotations

import typer
from typer.core import TyperGroup

from boxoffice_cli import data as data_commands
from boxoffice_cli import forecast
from boxoffice_cli import models as model_commands
from boxoffice_cli import render
from boxoffice_cli import report as report_command, talent as talent_command
from boxoffice_cli import tune as tune_command
from boxoffice_cli import scenarios as scenario_commands
from boxoffice_cli import serve as serve_command


class _FriendlyErrors(TyperGroup):
    """Turns the toolkit's own errors into a clear message and exit code 2."""

    def invoke(self, ctx):
        from boxoffice.errors import BoxofficeError

        try:
            return super().invoke(ctx)
        except BoxofficeError as err:
            render.error(err)
            raise typer.Exit(code=2) from None
        except KeyboardInterrupt:
            render.error("interrupted: nothing stored was changed")
            raise typer.Exit(code=130) from None


app = typer.Typer(
    cls=_FriendlyErrors,
    name="boxoffice",
    help=(
        "Pre-release box-office forecasts: what a film will likely gross worldwide and at home, "
        "how wide the range is, and how likely it is to lose money.\n\n"
        "Start with:  boxoffice predict --genre action --budget 150m"
    ),
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(data_commands.app, name="data")
app.add_typer(model_commands.app, name="models")
app.command()(forecast.train)
app.command()(forecast.predict)
app.command()(forecast.evaluate)
app.command()(talent_command.talent)
app.command()(report_command.report)
app.command()(tune_command.tune)
scenario_commands.register(app)
app.command()(serve_command.serve)


def run() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    run()
