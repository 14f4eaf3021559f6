"""Every translation says whether a native speaker reviewed it, in its own catalogue.

The check reads every catalogue of the repository (every .po, and every JSON file under
cards/valuesets/data with labels), so a catalogue or a string added later is held to it.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from kiosk.cli import main
from kiosk.domain import translation_review as review

ROOT = Path(__file__).resolve().parent.parent
PO_HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'


def test_every_catalogue_is_read() -> None:
    names = {str(path.relative_to(ROOT)) for path in review.catalogues(ROOT)}
    assert "cards/valuesets/data/terms.json" in names
    assert "cards/valuesets/data/pictograms.json" in names
    assert "cards/valuesets/data/medications.json" in names
    assert "kiosk/web/reception/translations/ti/LC_MESSAGES/messages.po" in names
    assert "kiosk/web/staff/translations/fr/LC_MESSAGES/messages.po" in names
    assert "cards/valuesets/data/icao9303.json" not in names  # a table, not words


def test_every_translation_is_marked_reviewed_or_not() -> None:
    unmarked = [t for t in review.translations(ROOT) if t.state == review.UNMARKED]
    assert unmarked == [], (
        f"{len(unmarked)} translations carry no review mark, first {unmarked[:3]}: mark each "
        "'# Not yet reviewed by a native speaker.' (or run `ehcard translations mark`)"
    )


@pytest.mark.parametrize(
    "path", sorted(p for p in review.catalogues(ROOT) if p.suffix == ".json"), ids=str
)
def test_json_marks_name_real_translations(path: Path) -> None:
    assert review.stale_marks(path) == []


def test_english_is_the_source_and_no_translation_is_claimed_reviewed() -> None:
    """As far as the repository's history shows, no native speaker has reviewed any."""
    states = Counter(t.state for t in review.translations(ROOT))
    assert states[review.REVIEWED] == 0
    assert states[review.UNREVIEWED] > 5000
    assert not any(t.language == "en" for t in review.translations(ROOT))


def fake_repository(tmp_path: Path) -> Path:
    """A repository with one .po and one new terms-shaped JSON catalogue, unmarked."""
    po = tmp_path / "kiosk" / "web" / "board" / "translations" / "ti" / "LC_MESSAGES"
    po.mkdir(parents=True)
    (po / "messages.po").write_text(
        PO_HEADER
        + 'msgid "Pain"\nmsgstr "ቃንዛ"\n\n'
        + '# Reviewed by a native speaker: Selam T., 2026-12-01.\nmsgid "Yes"\nmsgstr "እወ"\n\n'
        + 'msgid "No"\nmsgstr ""\n',
        "utf-8",
    )
    data = tmp_path / "cards" / "valuesets" / "data"
    data.mkdir(parents=True)
    board = {"terms": {"board.pain": {"en": "Pain", "fr": "Douleur", "ti": "ቃንዛ"}}}
    (data / "board.json").write_text(json.dumps(board), "utf-8")
    return tmp_path


def test_an_unmarked_translation_is_found_in_a_new_catalogue(tmp_path: Path) -> None:
    root = fake_repository(tmp_path)
    found = {(t.catalogue.split("/")[-1], t.language, t.key): t.state
             for t in review.translations(root)}  # fmt: skip
    assert found == {
        ("messages.po", "ti", "Pain"): review.UNMARKED,
        ("messages.po", "ti", "Yes"): review.REVIEWED,
        ("board.json", "fr", "board.pain"): review.UNMARKED,
        ("board.json", "ti", "board.pain"): review.UNMARKED,
    }


def test_mark_marks_only_the_unmarked_and_keeps_the_file_as_written(tmp_path: Path) -> None:
    root = fake_repository(tmp_path)
    po = next(root.rglob("messages.po"))
    before = po.read_text("utf-8")
    assert review.mark_unmarked(root) == 3
    after = po.read_text("utf-8")
    assert after == before.replace(
        'msgid "Pain"', '# Not yet reviewed by a native speaker.\nmsgid "Pain"'
    )
    board = json.loads((root / "cards/valuesets/data/board.json").read_text("utf-8"))
    assert board["unreviewed"] == {"fr": ["board.pain"], "ti": ["board.pain"]}
    assert {t.state for t in review.translations(root)} == {review.UNREVIEWED, review.REVIEWED}
    assert review.mark_unmarked(root) == 0


def test_a_mark_for_a_key_that_does_not_exist_is_stale(tmp_path: Path) -> None:
    data = tmp_path / "terms.json"
    shutil.copy(ROOT / "cards/valuesets/data/terms.json", data)
    document = json.loads(data.read_text("utf-8"))
    document["unreviewed"]["fr"].append("no.such.key")
    data.write_text(json.dumps(document), "utf-8")
    assert review.stale_marks(data) == ["unreviewed fr no.such.key: no such translation"]


def test_the_command_counts_unreviewed_per_catalogue_and_language() -> None:
    result = CliRunner().invoke(
        main, ["translations", "unreviewed", "--language", "ti", "--catalogue", "reception"]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("kiosk/web/reception/translations/ti/LC_MESSAGES/messages.po\tti\t")
    assert lines[0].endswith(" unreviewed")
    assert lines[-1] == f"total\t{lines[0].split(chr(9))[2].split()[0]}"
    listed = CliRunner().invoke(main, ["translations", "unreviewed", "--keys", "--language", "ka"])
    assert "cards/valuesets/data/terms.json\tka\tunreviewed\tcard.more_items" in listed.output
