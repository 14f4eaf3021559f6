"""Portable backups: every table to one gzip'd JSON-lines file, and back.

The format is the same for SQLite and PostgreSQL, so a backup taken on one
restores on the other. A backup records the schema revisions it was taken
at; restore refuses another schema, and refuses a database that holds data
unless asked to replace it. Key files are not in the backup: back up the
instance's keys/ folder separately (the root key belongs offline anyway).

Every table is read in one snapshot (`snapshot()`), so a backup taken while
cards are issued holds each issue whole or not at all: no print job without
its card, an audit head that matches its log.
"""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from alembic.migration import MigrationContext
from sqlalchemy import Connection, Engine, Table, func, insert, select, text

import kiosk.models  # noqa: F401  (registers every table)
from kiosk.db import Base

FORMAT = "ehcard-backup/1"


class BackupError(Exception):
    """A backup cannot be written or restored; the message says why."""


def _schema_revisions(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return _revisions_of(connection)


def _revisions_of(connection: Connection) -> list[str]:
    return sorted(MigrationContext.configure(connection).get_current_heads())


@contextmanager
def snapshot(engine: Engine) -> Iterator[Connection]:
    """A connection whose reads all see the database as of one moment, writing nothing.

    PostgreSQL: a REPEATABLE READ, READ ONLY, DEFERRABLE transaction (its snapshot is
    taken at the first read). SQLite: one read transaction (the driver itself begins
    none for reads), which in WAL mode keeps its view while other connections write.
    """
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection = connection.execution_options(
                isolation_level="REPEATABLE READ",
                postgresql_readonly=True,
                postgresql_deferrable=True,
            )
            with connection.begin():
                yield connection
            return
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        connection.exec_driver_sql("BEGIN")
        try:
            yield connection
        finally:
            connection.exec_driver_sql("ROLLBACK")


def _encode(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"$b64": base64.b64encode(value).decode()}
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "$b64" in value:
            return base64.b64decode(value["$b64"])
        if "$datetime" in value:
            return datetime.fromisoformat(value["$datetime"])
        if "$date" in value:
            return date.fromisoformat(value["$date"])
    return value


def write_backup(engine: Engine, path: Path, *, now: datetime) -> dict[str, int]:
    """Write every table's rows, as of one moment (`now`), to `path`; each table's row count."""
    counts: dict[str, int] = {}
    temporary = path.with_name(path.name + ".partial")
    with snapshot(engine) as connection, gzip.open(temporary, "wt", encoding="utf-8") as out:
        header = {
            "format": FORMAT,
            "created": now.isoformat(),
            "revisions": _revisions_of(connection),
        }
        out.write(json.dumps(header) + "\n")
        for table in Base.metadata.sorted_tables:
            columns = [c.name for c in table.columns]
            out.write(json.dumps({"table": table.name, "columns": columns}) + "\n")
            rows = connection.execute(select(table).order_by(*table.primary_key.columns))
            counts[table.name] = 0
            for row in rows:
                out.write(json.dumps([_encode(v) for v in row], ensure_ascii=False) + "\n")
                counts[table.name] += 1
    temporary.replace(path)
    return counts


def _read(path: Path) -> Iterator[Any]:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as source:
            for line in source:
                yield json.loads(line)
    except (OSError, EOFError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BackupError(f"{path} is not a readable ehcard backup: {exc}") from exc


def restore_backup(engine: Engine, path: Path, *, replace: bool = False) -> dict[str, int]:
    """Load a backup into the database at `engine` (already migrated), in one transaction."""
    lines = _read(path)
    header = next(lines, None)
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BackupError(f"{path} is not an {FORMAT} file")
    if header["revisions"] != _schema_revisions(engine):
        raise BackupError(
            f"backup schema {header['revisions']} differs from this database's "
            f"{_schema_revisions(engine)}: restore with the ehcard version that made it"
        )
    tables = {t.name: t for t in Base.metadata.sorted_tables}
    counts: dict[str, int] = {}
    with engine.begin() as connection:
        non_empty = [
            t.name
            for t in tables.values()
            if connection.scalar(select(func.count()).select_from(t))
        ]
        if non_empty and not replace:
            raise BackupError(
                f"the database already holds data ({', '.join(non_empty)}); use --replace"
            )
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
        current: Table | None = None
        columns: list[str] = []
        batch: list[dict[str, Any]] = []
        for item in lines:
            if isinstance(item, dict):
                _flush(connection, current, batch)
                if item.get("table") not in tables:
                    raise BackupError(f"backup holds an unknown table {item.get('table')!r}")
                current, columns, batch = tables[item["table"]], item["columns"], []
                counts[current.name] = 0
                continue
            if current is None or len(item) != len(columns):
                raise BackupError("backup rows do not match their table header")
            batch.append(dict(zip(columns, (_decode(v) for v in item), strict=True)))
            counts[current.name] += 1
            if len(batch) >= 1000:
                _flush(connection, current, batch)
                batch = []
        _flush(connection, current, batch)
        if engine.dialect.name == "postgresql":
            # Table names come from our own metadata, never from the backup file.
            for table in tables.values():
                if "id" in table.columns:
                    connection.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608 # nosec B608
                            f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                        )
                    )
    return counts


def _flush(connection: Any, table: Table | None, batch: list[dict[str, Any]]) -> None:
    if table is not None and batch:
        connection.execute(insert(table), batch)
