"""One adapter per source file. Each returns ``SourceRecords``: rows in canonical
column names plus a count of every row it dropped, by reason."""
from boxoffice.table.sources.base import SourceRecords

__all__ = ["SourceRecords"]
