"""Run each atheris target for a CI-sized number of inputs, seeded with valid ones."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fuzz.seeds import seeds

ROOT = Path(__file__).resolve().parents[2]
RUNS = 10_000


@pytest.mark.parametrize("target", ["payload", "qr_text", "profile"])
def test_fuzz_target_survives_ten_thousand_inputs(target: str, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n, seed in enumerate(seeds(target)):
        (corpus / f"seed{n}").write_bytes(seed)
    result = subprocess.run(
        [
            sys.executable, str(ROOT / "tests" / "fuzz" / "fuzz_targets.py"), target,
            f"-runs={RUNS}", "-seed=1", "-max_len=1200", "-timeout=10",
            f"-artifact_prefix={tmp_path}/", str(corpus),
        ],
        capture_output=True, text=True, timeout=300, cwd=ROOT, check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"Done {RUNS} runs" in result.stderr
