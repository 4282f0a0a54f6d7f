"""The offline punkt_tab build: file contents, NLTK's loader, and a bare environment."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

nltk = pytest.importorskip("nltk")
pytest.importorskip("punkt.data.english")

from xqg_pyserini.eval.nltk_data import (  # noqa: E402
    PUNKT_TAB_RESOURCE,
    ensure_punkt_tab,
    punkt_tab_files,
    write_punkt_tab,
)

# SHA-256 of our files: NLTK's downloaded punkt_tab English (3.9.x) with its lines
# sorted. For the three small files this was checked against genuine copies whose
# own SHA-256 equals NLTK's (92a3e0..., 8e2da1..., f3f853...); ortho_context.tab
# has the genuine byte size (236,303) and a spot-checked sample of its entries.
SORTED_SHA256 = {
    "abbrev_types.txt": "0ab7d6b126eed733d9bc5733d3a51ea575e90ece1b908e77c9d5b74e2a54213a",
    "collocations.tab": "73d7f183e9cf31ee6edf41df100a6f57c72404db66f599fe86b3fb2e6148f35f",
    "sent_starters.txt": "8a66e19f1bf6a03061dbcda945e46839d09612f8235dbcb1b994f59184ecc989",
    "ortho_context.tab": "d762d271cb556bab69960781a49eb034588801983af80d39ac936362c812084f",
}
# The sentence starters NLTK ships (its file order is an accident of set iteration).
SENT_STARTERS = {
    "according", "although", "among", "both", "but", "despite", "even", "he", "however", "i",
    "if", "in", "indeed", "instead", "it", "many", "meanwhile", "moreover", "most",
    "nevertheless", "nonetheless", "nor", "sales", "separately", "similarly", "since", "so",
    "some", "the", "there", "these", "they", "this", "though", "thus", "under", "when", "while",
    "yet",
}  # fmt: skip


def test_files_have_the_downloaded_content(tmp_path: Path) -> None:
    write_punkt_tab(tmp_path)
    for name, digest in SORTED_SHA256.items():
        assert hashlib.sha256((tmp_path / name).read_bytes()).hexdigest() == digest, name
    assert (tmp_path / "ortho_context.tab").stat().st_size == 236_303


def test_nltk_loader_reads_the_expected_sets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nltk.tokenize.punkt import load_punkt_params

    english = tmp_path / "tokenizers" / "punkt_tab" / "english"
    english.mkdir(parents=True)
    write_punkt_tab(english)
    # NLTK's path security reads only under nltk.data.path.
    monkeypatch.setattr(nltk.data, "path", [str(tmp_path)])
    params = load_punkt_params(nltk.data.find(PUNKT_TAB_RESOURCE))
    assert params.sent_starters == SENT_STARTERS
    assert len(params.abbrev_types) == 156
    assert {"dr", "mr", "u.s", "jan", "ph.d", ". . "} <= params.abbrev_types
    assert len(params.collocations) == 37
    assert {("##number##", "abreast"), ("j", "aron"), ("b", "smith")} <= params.collocations
    assert len(params.ortho_context) == 20_366
    assert params.ortho_context["to"] == 126
    assert params.ortho_context["ariz."] == 4
    assert params.ortho_context["zy"] == 4


def test_file_texts_end_without_newline() -> None:
    # NLTK's reader keeps an empty last line as an entry, so no trailing newline.
    assert not any(text.endswith("\n") for text in punkt_tab_files().values())


def test_ensure_does_nothing_when_nltk_finds_the_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    existing = tmp_path / "mine" / "tokenizers" / "punkt_tab" / "english"
    existing.mkdir(parents=True)
    write_punkt_tab(existing)
    monkeypatch.setattr(nltk.data, "path", [str(tmp_path / "mine")])
    monkeypatch.setenv("XQG_PYSERINI_CACHE", str(tmp_path / "cache"))
    assert ensure_punkt_tab() == existing
    assert not (tmp_path / "cache").exists()


def test_ensure_builds_into_the_cache_and_repairs_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(nltk.data, "path", [])
    monkeypatch.setenv("XQG_PYSERINI_CACHE", str(tmp_path / "cache"))
    target = tmp_path / "cache" / "nltk_data" / "tokenizers" / "punkt_tab" / "english"
    (target / "abbrev_types.txt").parent.mkdir(parents=True)
    (target / "abbrev_types.txt").write_text("truncated", "utf-8")  # a stale or broken copy
    assert ensure_punkt_tab() == target
    assert nltk.data.path == [str(tmp_path / "cache" / "nltk_data")]
    assert sorted(p.name for p in target.iterdir()) == sorted(SORTED_SHA256)
    assert (target / "abbrev_types.txt").read_text("utf-8") == punkt_tab_files()["abbrev_types.txt"]
    assert nltk.data.find(PUNKT_TAB_RESOURCE)


_BARE_SCRIPT = """
import json, sys, urllib.request
import nltk

def no_network(*args, **kwargs):
    raise AssertionError("network access attempted")

nltk.download = no_network
urllib.request.urlopen = no_network
try:
    nltk.data.find("tokenizers/punkt_tab/english/")
    print(json.dumps({"precondition": "punkt_tab already installed"}))
    sys.exit(0)
except LookupError:
    pass
try:
    nltk.word_tokenize("A b.")
    failed_before = False
except LookupError:
    failed_before = True
from xqg_pyserini.eval.nltk_data import ensure_punkt_tab
path = ensure_punkt_tab()
text = 'Mr. Smith met Dr. Who. They paid $3.50 in the U.S. today. "Yes," he said.'
tokens = nltk.word_tokenize(text)
print(json.dumps({"failed_before": failed_before, "path": str(path), "tokens": tokens}))
"""


def test_word_tokenize_works_in_a_bare_environment(tmp_path: Path) -> None:
    home, nltk_data = tmp_path / "home", tmp_path / "nltk_data"
    home.mkdir()
    nltk_data.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("XQG_PYSERINI_CACHE", "XDG_CACHE_HOME")}
    env.update(HOME=str(home), NLTK_DATA=str(nltk_data))
    done = subprocess.run(
        [sys.executable, "-c", _BARE_SCRIPT], env=env, capture_output=True, text=True, check=True
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    if "precondition" in report:
        pytest.skip("this machine has punkt_tab installed system-wide")
    assert report["failed_before"]
    assert Path(report["path"]).is_relative_to(home / ".cache" / "xqg_pyserini" / "nltk_data")
    # "Mr." and "Dr." stay whole only when punkt's abbreviation list was loaded.
    assert report["tokens"] == [
        "Mr.", "Smith", "met", "Dr.", "Who", ".", "They", "paid", "$", "3.50", "in", "the",
        "U.S.", "today", ".", "``", "Yes", ",", "''", "he", "said", "."
    ]  # fmt: skip
