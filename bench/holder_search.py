"""Staff search by name: time per search as the registry grows, against a look-up by card code.

Run: python bench/holder_search.py [--sizes 1000,10000]

Fills a fresh SQLite database with N holders
whose names are drawn from the name table (cards/valuesets/data/names_latin.json:
two to four words, in Arabic or Persian script, some with their documents'
spelling) and birth years over 60 years, indexed as the registry indexes them
(holder_search.index_holder), then times typed searches (other spellings, a
partial name, the native script) with a year, and, as the baseline of the same
run, the look-up of a card by its code. A search's cost follows the number of
holders born that year whose names sound like the typed words (the candidates
it opens and ranks), printed beside it.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cards.model import BirthDate, Holder  # noqa: E402
from cards.spelling import name_table  # noqa: E402
from kiosk import db  # noqa: E402
from kiosk.config import load_settings  # noqa: E402
from kiosk.domain.cards import holder_index, holder_search, registry  # noqa: E402
from kiosk.domain.keys.instance_secrets import (  # noqa: E402
    InstanceSecrets,
    load_instance_secrets,
)
from kiosk.models.registry import CardRow  # noqa: E402

SOUGHT = Holder(name="محمد عبد الرحمن الخطيب", birth_date=BirthDate(1985, 4, 2))
QUERIES = (
    ("Mohamed Abdelrahman El Khatib", "1985"),
    ("Muhammad Khatib", "1985"),
    ("Khatib", "1985"),
    ("محمد الخطيب", "1985"),
    ("Mohamed Abdelrahman El Khatib", "02/04/1985"),
)
RUNS = 5


def _holders(count: int, seed: int) -> list[Holder]:
    generator = random.Random(seed)  # nosec B311: synthetic holders, repeatable by seed
    table = name_table()
    given = [n for n in (*table["names"], *table["names_persian"]) if " " not in n]
    holders = [SOUGHT]
    for _ in range(count - 1):
        words = generator.sample(given, generator.randint(2, 4))
        spelled = generator.random() < 0.3
        holders.append(
            Holder(
                name=" ".join(words),
                birth_date=BirthDate(generator.randint(1950, 2009)),
                name_latin=" ".join(f"W{i}" for i in range(len(words))) if spelled else None,
            )
        )
    return holders


def _fill(sessions: sessionmaker[Session], secrets: InstanceSecrets, count: int) -> str:
    code = ""
    with db.session_scope(sessions) as session:
        for number, holder in enumerate(_holders(count, seed=count)):
            card_id = number.to_bytes(8, "big")
            code = f"{number:05d}-{number:05d}"[:11]
            row = CardRow(
                card_id=card_id, card_code=code, issuer_kid=bytes(8), issued=date(2026, 1, 5),
                expires=date(2028, 1, 5), status="active", created_at=datetime.now(UTC),
                holder_sealed=holder_index.seal_holder(secrets, card_id, holder),
                confirmed_fields="",
            )  # fmt: skip
            session.add(row)
            session.flush()
            holder_search.index_holder(session, secrets, row, holder)
    return code


def _median_ms(action: Callable[[], Any]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def bench(size: int, folder: Path) -> None:
    url = f"sqlite:///{folder / f'search-{size}.sqlite'}"
    settings = load_settings(folder / "instance", {"database_url": url})
    secrets = load_instance_secrets(settings)
    db.upgrade(url)
    engine = db.make_engine(url)
    sessions = sessionmaker(engine)
    code = _fill(sessions, secrets, size)
    with sessions() as session:
        baseline = _median_ms(lambda: registry.find_card(session, code))
        print(f"\n### {size} holders\n")
        print("| search | year | ms (median of 5) | results | the holder's rank |")
        print("|---|---|--:|--:|---|")
        print(f"| card code (baseline) | | {baseline:.2f} | 1 | |")
        for typed, birth in QUERIES:
            found = holder_search.find_holders(session, settings, typed, birth)
            ms = _median_ms(
                lambda t=typed, b=birth: holder_search.find_holders(  # type: ignore[misc]
                    session, settings, t, b
                )
            )
            ranks = [i + 1 for i, (_row, shown) in enumerate(found) if shown.name == SOUGHT.name]
            rank = ranks[0] if ranks else "not found"
            print(f"| {typed} | {birth} | {ms:.2f} | {len(found)} | {rank} |")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    args = parser.parse_args()
    print("## Staff search by any spelling")
    with tempfile.TemporaryDirectory() as folder:
        for size in (int(s) for s in args.sizes.split(",")):
            bench(size, Path(folder))


if __name__ == "__main__":
    main()
