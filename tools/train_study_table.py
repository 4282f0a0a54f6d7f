"""The table of docs/training.md from the study's reports (tools/train_demo_study.sh).

    .venv/bin/python tools/train_study_table.py demo-a demo-b demo-c distill-d

Rows: e5-small before training, then each variant, plain and with xQG (R@2kt,
R@5kt, mrr@100 on xqg-demo/dev; † / ‡: t-test / Fisher p < 0.05 against the
untrained plain model), XQuAD recall@1 (ar, ru, en; the plain model: XQuAD has
no generated questions), training steps and seconds.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPORTS = Path("reports/train")


def _mark(report: dict, run: str, metric: str) -> str:
    result = report["significance"]["results"].get(run, {}).get(metric, {}).get("avg")
    if not result:
        return ""
    return ("†" if result["significant"]["t-test"] else "") + (
        "‡" if result["significant"]["fisher"] else ""
    )


def _row(name: str, report: dict, run: str, xquad: dict | None, record: dict | None) -> str:
    cells = [name]
    for metric in ("R@2kt", "R@5kt", "mrr@100"):
        value = report["runs"][run][metric]["avg"]
        text = f"{value:.2f}" if metric != "mrr@100" else f"{value:.4f}"
        cells.append(text + _mark(report, run, metric))
    langs = ("ar", "ru", "en")
    cells += [f"{xquad['scores'][lang]['recall@1']:.4f}" if xquad else "" for lang in langs]
    if record:
        cells += [str(record["steps"]), f"{record['seconds_this_session']:.0f}"]
    else:
        cells += ["", ""]
    return "| " + " | ".join(cells) + " |"


def main(names: list[str]) -> int:
    print("| model | R@2kt | R@5kt | mrr@100 | XQuAD R@1 ar | ru | en | steps | train s |")
    print("|---|---|---|---|---|---|---|---|---|")
    base_x = json.loads((REPORTS / "xquad-base.json").read_text())
    first = json.loads((REPORTS / names[0] / "report.json").read_text())
    print(_row("e5-small", first, "base-plain", base_x, None))
    print(_row("e5-small + xQG", first, "base-xqg3", None, None))
    for name in names:
        report = json.loads((REPORTS / name / "report.json").read_text())
        xquad = json.loads((REPORTS / f"xquad-{name}.json").read_text())
        record = json.loads((Path("models") / name / "training_record.json").read_text())
        print(_row(name, report, f"{name}-plain", xquad, record))
        print(_row(f"{name} + xQG", report, f"{name}-xqg3", None, None))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
