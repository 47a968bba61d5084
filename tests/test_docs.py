"""The documentation says what the code does: columns, field priority, the example mapping, CI."""
from __future__ import annotations

import re
from pathlib import Path

from boxoffice.table.build import FIELD_PRIORITY
from boxoffice.table.schema import COLUMNS
from boxoffice.table.mapped_csv import ColumnMapping, read_films, validate

ROOT = Path(__file__).resolve().parents[1]
DATA_README = (ROOT / "data" / "README.md").read_text(encoding="utf-8")


def test_data_readme_documents_every_column_as_the_schema_defines_it():
    # regenerate a row with: f"| `{c.name}` | `{c.dtype}` | {c.unit or '–'} | {c.meaning} | {c.sources} |"
    for c in COLUMNS:
        row = f"| `{c.name}` | `{c.dtype}` | {c.unit or '–'} | {c.meaning} | {c.sources} |"
        assert row in DATA_README, f"data/README.md: the row of {c.name} is out of date:\n{row}"
    documented = re.findall(r"^\| `(\w+)` \| `", DATA_README, flags=re.M)
    assert documented == [c.name for c in COLUMNS]


def test_data_readme_documents_the_field_priority():
    for column, sources in FIELD_PRIORITY.items():
        assert f"| `{column}` | {' > '.join(sources)} |" in DATA_README, column


def test_the_example_export_in_the_mappings_readme_is_valid(tmp_path):
    text = (ROOT / "data" / "mappings" / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```\n(Project,.*?)```", text, flags=re.S).group(1)
    path = tmp_path / "slate.csv"
    path.write_text(block, encoding="utf-8")
    mapping = ColumnMapping.load(ROOT / "data" / "mappings" / "studio-slate.yaml")
    assert validate(path, mapping) == []
    assert len(read_films(path, mapping)) == len(block.strip().splitlines()) - 1


def test_ci_runs_the_readmes_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "```sh\n.venv/bin/pytest\n```" in readme
    assert re.search(r"^\.venv/bin/pytest$", ci, flags=re.M)
    assert 'pip install -e ".[dev]"' in readme and '-e ".[dev]"' in ci
