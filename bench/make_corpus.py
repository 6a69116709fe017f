"""Generate a synthetic corpus of Russian+English program-like PDFs for benchmarks.

Each document has ~20 A4 pages: a running header, a page-number footer,
numbered headings, paragraphs sampled from hand-written sentences about
regional industrial policy, and a ruled table (drawn with lines) on every
4th page. Text uses the embedded DejaVu Sans font so Cyrillic survives.

    python bench/make_corpus.py OUT_DIR --pages 2000 [--seed 0]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import pymupdf

FONT_FILE = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
PAGES_PER_DOC = 20
DATA_DIR = Path(__file__).resolve().parent / "data"
VERSION = 2  # bump when the layout changes, to invalidate cached corpora

SENTENCES = [
    "Региональная программа направлена на развитие обрабатывающей промышленности и повышение производительности труда.",
    "Основной целью подпрограммы является создание условий для кооперации малых и средних предприятий с крупными заказчиками.",
    "Промышленный кластер объединяет предприятия машиностроения, научные организации и учреждения профессионального образования.",
    "В 2024 году планируется открыть два индустриальных парка общей площадью 120 гектаров.",
    "Фонд развития промышленности предоставляет льготные займы на реализацию проектов импортозамещения.",
    "Центр компетенций оказывает консультационную поддержку по вопросам внедрения бережливого производства.",
    "Объем отгруженной продукции собственного производства вырос на 7,4 процента по сравнению с предыдущим годом.",
    "Субсидии на возмещение части затрат предоставляются участникам промышленных кластеров на конкурсной основе.",
    "Особое внимание уделяется подготовке инженерных кадров совместно с ведущими университетами региона.",
    "Реализация мероприятий осуществляется в соответствии с планом, утвержденным постановлением правительства области.",
    "Механизм субконтрактации позволяет крупным предприятиям передавать часть заказов местным поставщикам.",
    "Ожидаемым результатом является увеличение числа высокопроизводительных рабочих мест не менее чем на 3 тысячи.",
    "Технопарк обеспечивает резидентов производственными площадями и доступом к центру коллективного пользования оборудованием.",
    "Мониторинг показателей программы проводится ежеквартально уполномоченным органом исполнительной власти.",
    "Экспортно ориентированные предприятия получают поддержку через региональный центр поддержки экспорта.",
    "Цифровая трансформация промышленности включает внедрение систем управления производством и предиктивной аналитики.",
    "Инвестиционный договор фиксирует обязательства инвестора по объему вложений и созданию рабочих мест.",
    "Проектный офис координирует взаимодействие органов власти, бизнеса и научного сообщества.",
    "Риски реализации программы связаны с ростом стоимости оборудования и дефицитом квалифицированных кадров.",
    "Финансирование мероприятий осуществляется за счет средств федерального и областного бюджетов.",
    "The regional strategy supports cooperation between manufacturing firms, universities and research centres.",
    "Smart specialisation priorities were selected through an entrepreneurial discovery process with local stakeholders.",
    "The programme provides grants for joint research projects between small enterprises and larger industrial partners.",
    "Cluster organisations facilitate access to international value chains and shared testing facilities.",
    "Public procurement of innovation is used to create early demand for new products developed in the region.",
    "The monitoring framework tracks output indicators annually and reports them to the steering committee.",
    "Investment in digital infrastructure is expected to raise productivity in traditional industries.",
    "Vocational training programmes are designed together with employers to close the skills gap.",
    "A regional innovation voucher scheme helps firms buy services from accredited knowledge providers.",
    "The industrial park offers serviced plots, utilities and a one-stop shop for permits.",
    "Supplier development programmes help local firms meet the quality standards of anchor investors.",
    "Export promotion activities include trade missions, fair participation and market intelligence reports.",
    "The managing authority allocates funds through open calls evaluated by independent experts.",
    "Energy efficiency measures reduce operating costs and emissions in energy-intensive sectors.",
    "Technology transfer offices support licensing of university patents to regional companies.",
    "Interregional cooperation projects allow firms to share pilot lines and demonstration plants.",
    "Key performance indicators include private investment leveraged, jobs created and new products launched.",
    "The action plan sets out responsibilities, deadlines and budgets for each measure.",
    "Co-financing rates depend on the size of the enterprise and the type of eligible costs.",
    "Stakeholder workshops were held in each district to validate the priorities of the strategy.",
]
HEADINGS = [
    "Общие положения",
    "Характеристика текущего состояния отрасли",
    "Цели и задачи программы",
    "Меры поддержки промышленности",
    "Развитие промышленной кооперации",
    "Кадровое обеспечение",
    "Ожидаемые результаты",
    "Strategic priorities",
    "Governance and monitoring",
    "Financing plan",
    "Cluster development",
    "Risk assessment",
]
REGIONS = [
    "Вологодская область",
    "Курская область",
    "Пермский край",
    "Республика Татарстан",
    "Свердловская область",
    "Northern Netherlands",
    "South Ostrobothnia",
    "Luxembourg",
]
PAGE_W, PAGE_H, MARGIN, SIZE, LEAD = 595.0, 842.0, 56.0, 10.5, 14.0
# Extra space between paragraphs: textcoop splits blocks at gaps over 0.9 line heights.
PARA_GAP = 12.0


def _wrap(
    advance: dict[str, float], font: pymupdf.Font, text: str, width: float, size: float
) -> list[str]:
    """Split ``text`` into lines no wider than ``width`` points (glyph advances cached in ``advance``)."""

    def length(s: str) -> float:
        for ch in s:
            if ch not in advance:
                advance[ch] = font.glyph_advance(ord(ch))
        return sum(advance[ch] for ch in s) * size

    lines: list[str] = []
    line, used, space = "", 0.0, length(" ")
    for word in text.split():
        w = length(word)
        if line and used + space + w > width:
            lines.append(line)
            line, used = word, w
        else:
            line, used = (f"{line} {word}", used + space + w) if line else (word, w)
    return [*lines, line] if line else lines


def _table(shape: pymupdf.Shape, y: float, rng: random.Random) -> float:
    """Draw a ruled 4x6 table of indicators at ``y``; return the y below it."""
    cols = [MARGIN, MARGIN + 230, MARGIN + 300, MARGIN + 370, PAGE_W - MARGIN]
    rows = [y + i * 20 for i in range(7)]
    for x in cols:
        shape.draw_line((x, rows[0]), (x, rows[-1]))
    for ry in rows:
        shape.draw_line((cols[0], ry), (cols[-1], ry))
    shape.finish(width=0.6, color=(0, 0, 0), closePath=False)
    header = ["Показатель / Indicator", "2024", "2025", "2026"]
    names = [
        "Объем инвестиций, млн руб.",
        "Рабочие места / Jobs",
        "Экспорт, млн долл.",
        "Число предприятий кластера",
        "Производительность труда, %",
    ]
    for r, cells in enumerate(
        [header] + [[n] + [f"{rng.uniform(1, 900):.1f}" for _ in range(3)] for n in names]
    ):
        for c, cell in enumerate(cells):
            shape.insert_text((cols[c] + 4, rows[r] + 14), cell, fontname="dv", fontsize=9)
    return rows[-1] + 18


def make_document(path: Path, seed: int, n_pages: int = PAGES_PER_DOC) -> None:
    """Write one program-like PDF of ``n_pages`` pages to ``path``."""
    rng = random.Random(seed)
    font = pymupdf.Font(fontfile=FONT_FILE)
    advance: dict[str, float] = {}
    region = rng.choice(REGIONS)
    title = f"Государственная программа «Развитие промышленности» — {region} ({2020 + seed % 6})"
    doc = pymupdf.open()
    chapter, section, width, bottom = 0, 0, PAGE_W - 2 * MARGIN, PAGE_H - 70
    carry: list[str] = []  # lines of a paragraph continued from the previous page
    for pno in range(n_pages):
        page = doc.new_page(width=PAGE_W, height=PAGE_H)
        page.insert_font(fontname="dv", fontfile=FONT_FILE)
        sh = page.new_shape()
        sh.insert_text((MARGIN, 36), title[:95], fontname="dv", fontsize=8)
        sh.draw_line((MARGIN, 42), (PAGE_W - MARGIN, 42))
        sh.finish(width=0.4, color=(0, 0, 0), closePath=False)
        sh.insert_text((PAGE_W / 2 - 10, PAGE_H - 30), f"— {pno + 1} —", fontname="dv", fontsize=9)
        y = MARGIN + 20
        if pno == 0:
            for line in _wrap(advance, font, title, width, 16):
                sh.insert_text((MARGIN, y), line, fontname="dv", fontsize=16)
                y += 22
            y += 10
        if pno % 4 == 3:
            y = _table(sh, y + 4, rng)
        while y + 2 * LEAD < bottom:
            if not carry and rng.random() < 0.25 and y + 4 * LEAD < bottom:
                chapter, section = (
                    (chapter + 1, 0)
                    if rng.random() < 0.4 or not chapter
                    else (chapter, section + 1)
                )
                number = f"{chapter}." if not section else f"{chapter}.{section}."
                sh.insert_text(
                    (MARGIN, y + 6),
                    f"{number} {rng.choice(HEADINGS)}",
                    fontname="dv",
                    fontsize=12.5,
                )
                y += 26
            lines = carry or _wrap(
                advance, font, " ".join(rng.sample(SENTENCES, rng.randint(2, 6))), width, SIZE
            )
            room = int((bottom - y) // LEAD)
            lines, carry = lines[:room], lines[room:]
            sh.insert_text((MARGIN, y), lines, fontname="dv", fontsize=SIZE, lineheight=LEAD / SIZE)
            y += LEAD * len(lines) + PARA_GAP
        sh.commit()
    doc.set_metadata({"title": title, "producer": "textcoop bench/make_corpus.py"})
    doc.subset_fonts()
    doc.save(path, garbage=3, deflate=True)
    doc.close()


def make_corpus(
    out_dir: str | Path, n_pages: int, seed: int = 0, jobs: int | None = None
) -> list[Path]:
    """Write ``n_pages`` pages as 20-page PDFs into ``out_dir`` (``jobs`` processes); return the files."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    sizes = [PAGES_PER_DOC] * (n_pages // PAGES_PER_DOC) + (
        [n_pages % PAGES_PER_DOC] if n_pages % PAGES_PER_DOC else []
    )
    files = [out / f"program_{seed}_{i:05d}.pdf" for i in range(len(sizes))]
    seeds = [seed * 1_000_003 + i for i in range(len(sizes))]
    jobs = jobs or os.cpu_count() or 1
    if jobs == 1 or len(files) < 4:
        for args in zip(files, seeds, sizes, strict=True):
            make_document(*args)
    else:
        with ProcessPoolExecutor(jobs, mp_context=get_context("spawn")) as pool:
            list(pool.map(make_document, files, seeds, sizes, chunksize=4))
    return files


def cached_corpus(n_pages: int, seed: int = 0, root: Path = DATA_DIR) -> list[Path]:
    """The generated corpus of ``n_pages`` pages under ``root``, made on first use."""
    out = root / f"gen_{n_pages}p_s{seed}"
    stamp = out / ".complete"
    key = {"n_pages": n_pages, "seed": seed, "version": VERSION}
    if stamp.is_file() and json.loads(stamp.read_text()) == key:
        return sorted(out.glob("*.pdf"))
    shutil.rmtree(out, ignore_errors=True)
    files = make_corpus(out, n_pages, seed)
    stamp.write_text(json.dumps(key))
    return files


def main() -> None:
    """Command line: generate a corpus into a folder."""
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--pages", type=int, default=200, help="total pages (default 200)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=None, help="processes (default: all CPUs)")
    args = ap.parse_args()
    files = make_corpus(args.out_dir, args.pages, args.seed, args.jobs)
    print(f"wrote {len(files)} PDFs ({args.pages} pages) to {args.out_dir}")


if __name__ == "__main__":
    main()
