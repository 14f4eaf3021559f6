"""The README is a short map and docs/ tells the truth: every setting, every command, every link.

The documentation is read as GitHub renders it: settings tables are Markdown rows whose first
cell names `EHCARD_<NAME>`, commands are `ehcard ...` in code (spans and blocks), links are
relative paths with GitHub-style heading anchors.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import fields
from pathlib import Path

import click
import pytest

from kiosk.cli import main
from kiosk.config import Settings

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"
README_MAX_LINES = 200

FENCE = re.compile(r"^\s*(```|~~~)")
CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.S)
SETTING_ROW = re.compile(r"^\|\s*`EHCARD_")
SETTING_NAME = re.compile(r"EHCARD_([A-Z0-9_]+)")
# `ehcard` where a command line starts: at the start of code, after a path to the program,
# after `exec`, `;`, `&&`, `|` or `$`. Global options (`--instance DIR`) may come before the
# command; a group's commands may be listed as `a/b/c` or `a | b | c`.
COMMAND = re.compile(
    r"(?:^|(?<=/)|(?<=\bexec )|(?<=; )|(?<=&& )|(?<=\$ ))ehcard"
    r"(?:\s+--instance(?:=|\s+)\S+)?"
    r"\s+(?P<first>[a-z][a-z0-9-]*)(?P<rest>(?:\s*(?:\\?\||/)\s*[a-z][a-z0-9-]*|\s+[a-z][a-z0-9-]*)*)",
    re.M,
)
ALTERNATIVES = re.compile(r"\s*[a-z][a-z0-9-]*(?:\s*(?:\\?\||/)\s*[a-z][a-z0-9-]*)*")
WORD = re.compile(r"[a-z][a-z0-9-]*")
LINK = re.compile(r"!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def pages() -> list[Path]:
    return [README, *sorted(DOCS.glob("*.md"))]


def doc_pages() -> list[Path]:
    return sorted(DOCS.glob("*.md"))


def relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def split_code(text: str) -> tuple[list[str], str]:
    """The code of a Markdown text (fenced and indented blocks, then spans) and its prose."""
    code: list[str] = []
    prose: list[str] = []
    fenced = False
    block: list[str] = []
    previous_blank = True
    for line in text.split("\n"):
        if FENCE.match(line):
            fenced = not fenced
            previous_blank = False
            continue
        if fenced:
            code.append(line)
        elif line.startswith("    ") and (previous_blank or block) and line.strip():
            block.append(line.strip())
        elif block and not line.strip():
            block.append("")
        else:
            code.extend(block)
            block = []
            prose.append(line)
        previous_blank = not line.strip()
    code.extend(block)
    prose_text = "\n".join(prose)
    code.extend(match.group(2).strip() for match in CODE_SPAN.finditer(prose_text))
    return code, CODE_SPAN.sub(" ", prose_text)


def documented_commands(text: str) -> set[tuple[str, ...]]:
    """Every `ehcard` command line in the code of `text`, as command paths to resolve."""
    found: set[tuple[str, ...]] = set()
    code, _ = split_code(text)
    for snippet in code:
        for match in COMMAND.finditer(snippet):
            # `backup/restore`, `keys list | rotate`, `user add/disable/passwd`: each is one.
            text = match.group("first") + match.group("rest")
            level = ALTERNATIVES.match(text)
            assert level is not None
            below = ALTERNATIVES.match(text[level.end() :])
            for name in WORD.findall(level.group(0)):
                command = main.get_command(click.Context(main), name)
                subcommands = WORD.findall(below.group(0)) if below else []
                if isinstance(command, click.Group) and subcommands:
                    found.update((name, sub) for sub in subcommands)
                else:
                    found.add((name,))  # a command, with its arguments after it
    return found


def resolve(path: tuple[str, ...]) -> str | None:
    """None when `ehcard <path>` exists; else what is missing."""
    group: click.Command = main
    for depth, name in enumerate(path):
        assert isinstance(group, click.Group)
        command = group.get_command(click.Context(group), name)
        if command is None:
            return "ehcard " + " ".join(path[: depth + 1])
        group = command
    return None


def every_command(group: click.Group, prefix: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    found: set[tuple[str, ...]] = set()
    for name in group.list_commands(click.Context(group)):
        command = group.get_command(click.Context(group), name)
        if isinstance(command, click.Group):
            found |= every_command(command, (*prefix, name))
        else:
            found.add((*prefix, name))
    return found


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = CODE_SPAN.sub(lambda m: m.group(2), heading)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text).lower()
    kept = "".join(char for char in text if char in " -_" or unicodedata.category(char)[0] in "LNM")
    return kept.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    seen: dict[str, int] = {}
    found: set[str] = set()
    fenced = False
    for line in path.read_text("utf-8").split("\n"):
        if FENCE.match(line):
            fenced = not fenced
        match = None if fenced else HEADING.match(line)
        if match:
            base = slug(match.group(2))
            count = seen.get(base, 0)
            seen[base] = count + 1
            found.add(base if count == 0 else f"{base}-{count}")
    return found


def settings_in_tables() -> dict[str, str]:
    """Each setting named in the first cell of a settings table row in docs/, and where."""
    found: dict[str, str] = {}
    for path in doc_pages():
        for number, line in enumerate(path.read_text("utf-8").split("\n"), start=1):
            if SETTING_ROW.match(line):
                first_cell = line.split("|")[1]
                for name in SETTING_NAME.findall(first_cell):
                    found.setdefault(name, f"{relative(path)}:{number}")
    return found


def test_every_setting_is_in_a_settings_table_in_docs() -> None:
    documented = settings_in_tables()
    missing = [
        f"EHCARD_{item.name.upper()}"
        for item in fields(Settings)
        if item.name.upper() not in documented
    ]
    assert missing == [], f"settings of kiosk/config.py in no settings table of docs/: {missing}"


def test_settings_tables_name_only_real_settings() -> None:
    real = {item.name.upper() for item in fields(Settings)}
    unknown = {
        f"EHCARD_{name}": where for name, where in settings_in_tables().items() if name not in real
    }
    assert unknown == {}, f"settings tables name settings kiosk/config.py does not read: {unknown}"


@pytest.mark.parametrize("page", pages(), ids=relative)
def test_every_documented_ehcard_command_exists(page: Path) -> None:
    documented = documented_commands(page.read_text("utf-8"))
    missing = sorted(filter(None, (resolve(path) for path in documented)))
    assert missing == [], f"{relative(page)} documents commands that do not exist: {missing}"


def test_the_command_reference_names_every_command() -> None:
    reference = DOCS / "cli.md"
    assert reference.exists(), "docs/cli.md, the `ehcard` command reference, is missing"
    documented = documented_commands(reference.read_text("utf-8"))
    missing = sorted(" ".join(path) for path in every_command(main) - documented)
    assert missing == [], f"docs/cli.md does not document: {missing}"


@pytest.mark.parametrize("page", pages(), ids=relative)
def test_every_relative_link_points_to_an_existing_file_and_heading(page: Path) -> None:
    _, prose = split_code(page.read_text("utf-8"))
    broken = []
    for target in LINK.findall(prose):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):
            continue  # https:, mailto:: not a file of the repository
        file_part, _, anchor = target.partition("#")
        destination = (page.parent / file_part).resolve() if file_part else page
        if not destination.exists():
            broken.append(f"{target}: no file {destination.relative_to(ROOT.resolve())}")
        elif anchor and (destination.suffix != ".md" or anchor not in anchors(destination)):
            broken.append(f"{target}: no heading #{anchor} in {file_part or page.name}")
    assert broken == [], f"broken links in {relative(page)}: {broken}"


def test_readme_is_at_most_200_lines() -> None:
    lines = len(README.read_text("utf-8").splitlines())
    assert lines <= README_MAX_LINES, f"README.md has {lines} lines; details belong in docs/"


def test_the_readme_links_every_docs_page() -> None:
    _, prose = split_code(README.read_text("utf-8"))
    linked = {(ROOT / target.partition("#")[0]).resolve() for target in LINK.findall(prose)}
    unlinked = [relative(path) for path in doc_pages() if path.resolve() not in linked]
    assert doc_pages(), "docs/ holds no page"
    assert unlinked == [], f"README.md links no {unlinked}"
