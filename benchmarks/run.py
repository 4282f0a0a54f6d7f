"""``python -m benchmarks.run``: every benchmark in one run; a table and ``results.json``.

``--quick`` (a few minutes on 2 cores, the CI smoke test) runs every section
with a tiny random encoder and small sizes; its figures exercise the harness
and are not the documented ones. The full run uses the
real multilingual-e5-small for the build and augmentation comparisons
(24 minutes on a shared 2-core machine).
Speed is never asserted: the targets are reported as met or missed.
``--sections 1 3`` reruns some sections only (1 and 2 come from the same
builds; 4 searches section 3's indexes; 7 projects from all of 1-6; 8 needs 7).
"""

from __future__ import annotations

import argparse
import json
import math
import shlex
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.common import PYTHON, Figure, machine_facts, run_child

__all__ = ["MODES", "Mode", "main"]

DEFAULT_OUTPUT = Path("benchmarks/results")
SECTIONS = ("1", "2", "3", "4", "5", "6", "7", "8")
NEEDS = {"4": {"3"}, "7": {"1", "2", "3", "4", "5", "6"}, "8": {"7"}}
"""Sections that need another's figures or files in the same run."""


FIGURES_ONLY = {"7", "8"}
"""Sections that need only the others' figures, which ``--reuse`` can supply."""


def check_sections(sections: list[str], reused: set[str] | None = None) -> set[str]:
    """The sections to run; an error naming what a section needs that was left out.

    ``reused`` are the sections whose figures a previous run's results supply
    (``--reuse``); they satisfy the sections that need figures only.
    """
    chosen = set(sections)
    for section in sorted(chosen):
        available = chosen | (reused or set() if section in FIGURES_ONLY else set())
        missing = NEEDS.get(section, set()) - available
        if missing:
            hint = " (or from --reuse)" if section in FIGURES_ONLY else ""
            raise SystemExit(
                f"python -m benchmarks.run: error: --sections {section} needs section(s) "
                f"{' '.join(sorted(missing))} in the same run{hint}"
            )
    return chosen


def read_reused(paths: list[Path], sections: set[str]) -> list[Figure]:
    """The figures of previous ``results.json`` files for the sections not run now.

    A figure comes from the last file that has it (so a file of one rerun
    section updates an older full run); each is marked reused from its file.
    """
    by_key: dict[str, Figure] = {}
    for path in paths:
        try:
            previous = json.loads(path.read_text("utf-8"))
            figures = [Figure(**f) for f in previous["figures"]]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise SystemExit(
                f"python -m benchmarks.run: error: --reuse {path}: not a results.json ({exc})"
            ) from None
        for f in figures:
            if f.section.split()[0] not in sections:
                f.note = f"reused from {path}" + (f"; {f.note}" if f.note else "")
                by_key.pop(f.key, None)  # re-inserted last: the newer file's order
                by_key[f.key] = f
    return sorted(by_key.values(), key=_section_order)


@dataclass(frozen=True)
class Mode:
    """Sizes and repetitions of one run."""

    encoder: str  # "e5" or "tiny"
    plain_sizes: tuple[int, int]
    augmented_sizes: tuple[int, int]
    build_repetitions: int
    memory_sizes: tuple[int, ...]
    search_repetitions: int
    eval_repetitions: int
    gen_passages: int
    gen_languages: tuple[str, ...]
    gen_max_length: int
    gen_repetitions: int
    train_batch: int = 4
    train_steps: int = 2
    precision_passages: int = 64
    precision_repetitions: int = 1


MODES = {
    "full": Mode(
        encoder="e5",
        plain_sizes=(32, 480),
        augmented_sizes=(16, 80),
        build_repetitions=2,
        memory_sizes=(1_000, 10_000, 100_000),
        search_repetitions=6,
        eval_repetitions=1,
        gen_passages=1,
        gen_languages=("ar", "bn", "fi", "ja", "ko", "ru", "te"),
        gen_max_length=32,
        gen_repetitions=1,
        train_batch=8,
        train_steps=3,
        precision_passages=256,
        precision_repetitions=3,
    ),
    "quick": Mode("tiny", (100, 1000), (20, 200), 1, (200, 600), 1, 1, 1, ("ja", "te"), 8, 1),
}


def _table(figures: list[Figure]) -> str:
    rows = [("section", "figure", "value", "unit", "ratio", "target", "status")]
    for f in figures:
        status = "" if f.met is None else ("met" if f.met else "MISSED")
        ratio = "" if f.ratio is None else f"{f.ratio:.2f}"
        rows.append((f.section, f.name, f"{f.value:.4g}", f.unit, ratio, f.target or "", status))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)) for r in rows)


def _markdown(figures: list[Figure]) -> str:
    lines = [
        "| section | figure | value | unit | ratio | target | status |",
        "|---|---|---|---|---|---|---|",
    ]
    for f in figures:
        status = "" if f.met is None else ("met" if f.met else "**missed**")
        ratio = "" if f.ratio is None else f"{f.ratio:.2f}"
        note = f" ({f.note})" if f.note else ""
        cells = [f.section, f.name + note, f"{f.value:.4g}", f.unit, ratio, f.target or "", status]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _search(work: Path, mode: Mode, demo: Any, log: Path) -> tuple[list[Figure], dict[str, Any]]:
    largest = max(mode.memory_sizes)
    queries = work / "queries.txt"
    queries.write_text("\n".join(demo.dev_questions) + "\n", "utf-8")
    out = work / "search.json"
    command = [
        PYTHON,
        "-m",
        "benchmarks.search",
        "--plain",
        str(work / f"ix-syn-{largest}-plain"),
        "--xqg",
        str(work / f"ix-syn-{largest}-xqg"),
        "--queries",
        str(queries),
        "--repetitions",
        str(mode.search_repetitions),
        "--output",
        str(out),
    ]
    run_child(command, cwd=Path.cwd(), log=log)
    r = json.loads(out.read_text())
    s = "4 search"
    qps_ratio = r["xqg"]["qps"] / r["plain"]["qps"]
    lat_ratio = r["xqg"]["median_latency_s"] / r["plain"]["median_latency_s"]
    shape = f"{r['plain']['vectors']} vectors, {len(demo.dev_questions)} queries, k=100"
    figures = [
        Figure(
            "search.plain_qps",
            f"plain index batch_search ({shape})",
            r["plain"]["qps"],
            "queries/s",
            s,
        ),
        Figure("search.xqg_qps", "xQG index batch_search", r["xqg"]["qps"], "queries/s", s),
        Figure(
            "search.plain_latency",
            "plain index median latency",
            1000 * r["plain"]["median_latency_s"],
            "ms",
            s,
        ),
        Figure(
            "search.xqg_latency",
            "xQG index median latency",
            1000 * r["xqg"]["median_latency_s"],
            "ms",
            s,
        ),
        Figure(
            "search.qps_ratio",
            "queries/s, xQG / plain",
            qps_ratio,
            "x",
            s,
            ratio=qps_ratio,
            target="1.0 +- 0.1",
            met=abs(qps_ratio - 1) <= 0.1,
        ),
        Figure("search.latency_ratio", "median latency, xQG / plain", lat_ratio, "x", s),
        Figure(
            "search.paired_latency_ratio",
            "per-query latency, xQG / plain, each query on both back to back (median)",
            r["paired_latency_ratio"],
            "x",
            s,
            ratio=r["paired_latency_ratio"],
            target="1.0 +- 0.1",
            met=abs(r["paired_latency_ratio"] - 1) <= 0.1,
        ),
    ]
    return figures, r


def run(
    mode_name: str,
    output: Path,
    work: Path,
    sections: set[str] | None = None,
    trained_generator: Path | None = None,
    reused: list[Figure] | None = None,
) -> dict[str, Any]:
    from benchmarks import (
        builds,
        evaluation,
        generation,
        memory,
        models,
        precision,
        projection,
        training,
    )
    from benchmarks.corpora import load_demo

    mode = MODES[mode_name]
    log = output / "commands.log"
    log.write_text("")
    started = time.time()
    demo = load_demo()
    figures: list[Figure] = []
    raw: dict[str, Any] = {}

    def step(name: str) -> None:
        print(f"[{time.time() - started:6.0f} s] {name}", file=sys.stderr, flush=True)

    if mode.encoder == "e5":
        spec = models.e5_small()
    else:
        spec = models.tiny_bert(work / "tiny-bert-32", hidden=32, passage_max_length=64)
    tiny = models.tiny_bert(work / "tiny-bert-32", hidden=32, passage_max_length=64)
    chosen = set(SECTIONS) if sections is None else sections
    plan = builds.BuildPlan(mode.plain_sizes, mode.augmented_sizes, mode.build_repetitions)
    if chosen & {"1", "2"}:
        step(f"1-2 builds with {spec.name}")
        found, raw["builds"] = builds.measure_builds(work, spec, demo, plan, log)
        figures += found
    if "1" in chosen:
        step("1 precisions in-process")
        found, raw["precision"] = precision.measure_precisions(
            spec, demo, mode.precision_passages, mode.precision_repetitions
        )
        figures += found
    if "2" in chosen:
        step("2 breakdown")
        found, raw["breakdown"] = builds.breakdown(
            work, spec, demo, mode.augmented_sizes[1], plan.batch_size
        )
        figures += found
    if "3" in chosen:
        step(f"3 memory with {tiny.name}: {mode.memory_sizes}")
        found, raw["memory"] = memory.measure_memory(work, tiny, mode.memory_sizes, 64, log)
        figures += found
    if "4" in chosen:
        step("4 search")
        found, raw["search"] = _search(work, mode, demo, log)
        figures += found
    if "5" in chosen:
        step("5 evaluation")
        found, raw["evaluation"] = evaluation.measure_evaluation(
            demo, 2000, 100, mode.eval_repetitions
        )
        figures += found
    if "6" in chosen:
        step("6 generation")
        if mode.encoder == "e5":
            mt5, label = models.mt5_small_shape(work / "mt5-small-shape"), "mT5-small shape, random"
        else:  # quick: a tiny random mT5 keeps the ct2 conversions to seconds
            from xqg_pyserini.models.random_init import build_random_model

            mt5, label = build_random_model("mt5", work / "tiny-mt5"), "tiny mT5, random"
        found, raw["generation"] = generation.measure_generation(
            mt5,
            demo,
            mode.gen_passages,
            mode.gen_languages,
            mode.gen_max_length,
            mode.gen_repetitions,
            work,
            label=label,
            trained=trained_generator,
        )
        figures += found
    if "7" in chosen:
        step("7 projection")
        values = {f.key: f.value for f in (reused or []) + figures}
        missing = [key for key in projection.REQUIRED_FIGURES if key not in values]
        if missing:
            raise SystemExit(
                "python -m benchmarks.run: error: section 7 needs the figures "
                f"{', '.join(missing)}; run their sections or --reuse a results.json with them"
            )
        per_record = (
            demo.generated_bytes / len(demo.questions),
            demo.generated_gz_bytes / len(demo.questions),
        )
        found, raw["projection"] = projection.project(values, per_record)
        figures += found
    if "8" in chosen:
        step(f"8 training with {spec.name}")
        speedup = {f.key: f.value for f in (reused or []) + figures}["proj.gpu_speedup"]
        found, raw["training"] = training.measure_training(
            spec.model_dir, spec.name, demo, mode.train_batch, mode.train_steps, speedup
        )
        figures += found
    step("done")
    return {
        "mode": mode_name,
        "encoder": spec.name,
        "memory_encoder": tiny.name,
        "sections": sorted(chosen),
        "seconds": time.time() - started,
        "machine": machine_facts(),
        "command": shlex.join([PYTHON, "-m", "benchmarks.run", *sys.argv[1:]]),
        "figures": [f.to_dict() for f in sorted((reused or []) + figures, key=_section_order)],
        "raw": raw,
    }


def _section_order(figure: Figure) -> int:
    return SECTIONS.index(figure.section.split()[0])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description=__doc__.splitlines()[0]
    )
    p.add_argument(
        "--quick", action="store_true", help="small sizes and a tiny encoder (a few minutes)"
    )
    p.add_argument(
        "--output", type=Path, default=DEFAULT_OUTPUT, help=f"results directory ({DEFAULT_OUTPUT})"
    )
    p.add_argument(
        "--work-dir", type=Path, default=None, help="scratch directory (a temporary one)"
    )
    p.add_argument(
        "--sections",
        nargs="+",
        choices=SECTIONS,
        default=list(SECTIONS),
        metavar="N",
        help="sections to run, of 1-8 (default: all); 1 and 2 share their builds, 4 needs 3, "
        "7 needs 1-6, 8 needs 7 (7 and 8 can take those from --reuse)",
    )
    p.add_argument(
        "--reuse",
        type=Path,
        nargs="+",
        default=None,
        metavar="RESULTS_JSON",
        help="take the figures of the sections not run from previous runs' results.json "
        "files (each figure from the last file that has it; marked 'reused' in the tables), "
        "e.g. --sections 6 7 --reuse benchmarks/results/results.json to redo generation and "
        "the projection",
    )
    p.add_argument(
        "--trained-generator",
        type=Path,
        default=None,
        metavar="DIR",
        help="section 6 also measures this trained generator (e.g. the one "
        "tools/generator_proof.py writes to runs/generator-proof/trained)",
    )
    args = p.parse_args(argv)
    reused = None if args.reuse is None else read_reused(args.reuse, set(args.sections))
    reused_sections = {f.section.split()[0] for f in reused or []}
    sections = check_sections(args.sections, reused_sections)
    if args.trained_generator is not None and not args.trained_generator.is_dir():
        p.error(f"--trained-generator: no model directory at {args.trained_generator}")
    args.output.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="xqg-bench-") as tmp:
        work = args.work_dir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        mode = "quick" if args.quick else "full"
        result = run(mode, args.output, work, sections, args.trained_generator, reused)
    figures = [Figure(**f) for f in result["figures"]]
    (args.output / "results.json").write_text(json.dumps(result, indent=2, default=str))
    from benchmarks.projection import projection_markdown

    tables = _markdown(figures)
    if "projection" in result["raw"]:
        tables += "\n\n" + projection_markdown(result["raw"]["projection"])
    (args.output / "results.md").write_text(tables + "\n")
    print(_table(figures))
    bad = [f.key for f in figures if not math.isfinite(f.value)]
    if bad:
        print(f"warning: figures that are not finite: {', '.join(bad)}", file=sys.stderr)
    print(f"\nwrote {args.output / 'results.json'} ({result['seconds']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
