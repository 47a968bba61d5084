"""Tables, JSON rows and CSV files of the what-if commands: one look for every scenario frame."""
from __future__ import annotations

from pathlib import Path

import typer

from boxoffice_cli import render


OPTIONAL = ("break_even_gross", "domestic_p50", "expected_return", "changes", "genres", "best_gross",
            "typical_multiple", "domestic_gross_usd", "lead", "worldwide_p90", "worldwide_p10")
"""Columns left out, in this order, when the terminal is too narrow for every figure."""


def table(frame, columns: dict, title: str, caption: str | None = None):
    from rich.table import Table

    columns = {c: h for c, h in columns.items() if c in frame.columns}
    cells = {c: [render.cell(c, v) for v in frame[c]] for c in columns}
    numeric = {c: frame[c].dtype.kind in "fiu" and c != "year" for c in columns}
    widest = {c: max([len(x) for x in cells[c]] + [1]) for c in columns}
    width = {c: max(widest[c] if numeric[c] else min(widest[c], 16), *(len(w) for w in h.split()))
             for c, h in columns.items()}
    dropped = []
    for col in OPTIONAL:
        if sum(width[c] + 3 for c in columns) + 1 <= render.out.width:
            break
        if col in columns:
            columns.pop(col)
            dropped.append(col)
    table = Table(title=title, title_justify="left")
    for col, head in columns.items():
        # figures never shrink to "$27…": text columns wrap instead
        table.add_column(head, justify="right" if numeric[col] else "left", no_wrap=numeric[col], min_width=width[col],
                         overflow="ellipsis" if numeric[col] else "fold")
    for i in range(len(frame)):
        table.add_row(*(cells[c][i] for c in columns))
    if dropped:
        caption = (caption or "") + f" (Widen the terminal, or use --json, to see {', '.join(dropped)}.)"
    if caption:
        table.caption, table.caption_justify = caption, "left"
    return table


FIGURE_HEADS = {"worldwide_p10": "P10", "worldwide_p50": "P50", "worldwide_p90": "P90",
                "domestic_p50": "dom. P50", "break_even_prob": "lose $", "break_even_gross": "break-even",
                "expected_return": "P50 vs BE", "worldwide_p50_change_pct": "ΔP50", "break_even_prob_change": "Δrisk"}
"""Short headers: the caption (``LEGEND``) says what they mean."""

LEGEND = ("P10/P50/P90: worldwide gross; dom.: US+Canada; lose $: chance the worldwide gross stays under "
          "break-even ({m} budget); P50 vs BE: median against that; Δ: change against the base. "
          "Money in USD of the release year.")


CAST_HEADS = {"rank": "#", "name": "name", "films_before": "films", "typical_gross": "typical gross",
              "best_gross": "best gross", "typical_multiple": "typical multiple", "talent_value_pct": "talent value",
              "worldwide_p10": "P10", "worldwide_p50": "P50", "worldwide_p90": "P90", "break_even_prob": "lose $",
              "worldwide_p50_change_pct": "ΔP50"}
CAST_CAPTION = ("Films, typical (geometric mean) and best worldwide gross: the track record before the release date. "
                "Talent value: P50 against a newcomer in the same slot. ")

COMPS_HEADS = {"rank": "#", "title": "title", "year": "year", "genres": "genres", "lead": "lead",
               "budget_usd": "budget", "worldwide_gross_usd": "worldwide", "domestic_gross_usd": "domestic",
               "multiple": "multiple", "worldwide_gross_adj": "worldwide (today's $)"}
COMPS_CAPTION = "Budget and grosses in USD of each film's year; 'today's $' adjusts to the new film's release year."


def records(frame, **extra) -> list[dict]:
    """JSON-ready rows: NaN -> null, the figures under the names of ``predict --json`` (``frame_records``)."""
    from boxoffice.whatif.scoring import frame_records

    return frame_records(frame, **extra)


def write_csv(frame, path: Path | None) -> None:
    if path is not None:
        from boxoffice.table.csv_writing import write_csv_atomic

        write_csv_atomic(frame, path)
        render.info(f"Wrote {render.counted(len(frame), 'row')} to {path}")


def warn_problems(frame) -> bool:
    """Print the frame's problems (bad variants) and warnings (what variants have that the model has
    not seen); True if there was a problem."""
    problems = frame.attrs.get("problems", [])
    for problem in problems:
        render.warn(str(problem))
    render.warn_all(frame.attrs.get("warnings", []))
    return bool(problems)


def base_caption(frame, multiple: float) -> str:
    from boxoffice.units import format_money

    base = frame.attrs.get("base")
    from boxoffice.break_even import multiple_text

    text = LEGEND.format(m=multiple_text(multiple))
    if base:
        text = (f"Base: P50 {format_money(base['worldwide_p50'])}, {base['break_even_prob']:.0%} chance of losing "
                f"money. " + text)
    return text


def finish(frame, as_json: bool, json_extra: dict, table, csv: Path | None, has_problems: bool = False) -> None:
    write_csv(frame, csv)
    if as_json:
        render.emit_json(records(frame, **json_extra))
    else:
        render.out.print(table)
    if has_problems:
        raise typer.Exit(code=2)
