"""The registration poster: a PNG with the QR code of the event's registration link and, under
it, the title, date and place in the coordinator's language, ready to print or put on a slide.

segno makes the code; matplotlib (imported only when a poster is drawn, it takes a moment to
load) writes the text with its bundled DejaVu Sans, which has every Kazakh and Russian letter.
The code is placed pixel for pixel (figimage, no resampling), so every module stays a sharp
square. Blocking: run it in a worker thread.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

import segno

WIDTH = 1200  # pixels: sharp on an A4 printout and on a full-HD slide
DPI = 200
MARGIN = 60
QUIET_ZONE = 4  # modules of white around the code, as the QR standard asks
TITLE_PT, LINE_PT, LINK_PT = 26, 17, 11
TITLE_LINES, PLACE_LINES = 4, 3


@dataclass(frozen=True)
class PosterText:
    title: str
    when: str
    place: str  # place and district, or "" when the event has none yet
    link: str  # printed small, for whoever would rather type it


def qr_matrix(link: str) -> list[list[bool]]:
    """The code's modules, dark True, without the quiet zone."""
    return [[bool(module) for module in row] for row in segno.make(link, error="m").matrix]


def wrap(text: str, fits: Callable[[str], bool], most: int) -> list[str]:
    """Words into at most `most` lines that each `fits`; what does not fit ends in "…". A
    word too long for a line on its own is cut."""
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and fits(candidate):
            lines[-1] = candidate
            continue
        while not fits(word) and len(word) > 1:
            cut = len(word) - 1
            while cut > 1 and not fits(word[:cut]):
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        lines.append(word)
    if len(lines) <= most:
        return lines
    last = lines[most - 1]
    while last and not fits(last + " …"):
        last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
    return [*lines[: most - 1], last + " …"]


def poster_png(text: PosterText) -> bytes:
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

    matrix = qr_matrix(text.link)
    modules = len(matrix) + 2 * QUIET_ZONE
    scale = (WIDTH - 2 * MARGIN) // modules
    dark = np.pad(np.array(matrix, dtype=bool), QUIET_ZONE)
    code = np.kron(dark, np.ones((scale, scale), dtype=bool))
    image = np.where(code, 0.0, 1.0)
    side = code.shape[0]

    scratch = Figure(dpi=DPI)  # only measures the lines
    FigureCanvasAgg(scratch)

    def fits(size: int, weight: str) -> Callable[[str], bool]:
        font = FontProperties(family="DejaVu Sans", size=size, weight=weight)

        def measured(line: str) -> bool:
            probe = scratch.text(0, 0, line, fontproperties=font, parse_math=False)
            width = probe.get_window_extent().width
            probe.remove()
            return bool(width <= WIDTH - 2 * MARGIN)

        return measured

    blocks = [
        (wrap(text.title, fits(TITLE_PT, "bold"), TITLE_LINES), TITLE_PT, "bold", "#000000"),
        (wrap(text.when, fits(LINE_PT, "normal"), 2), LINE_PT, "normal", "#000000"),
        (wrap(text.place, fits(LINE_PT, "normal"), PLACE_LINES), LINE_PT, "normal", "#000000"),
        (wrap(text.link, fits(LINK_PT, "normal"), 2), LINK_PT, "normal", "#555555"),
    ]
    line_px = {size: size * DPI / 72 * 1.45 for size in (TITLE_PT, LINE_PT, LINK_PT)}
    gap = 24
    text_height = sum(len(lines) * line_px[size] + gap for lines, size, _, _ in blocks if lines)
    height = int(MARGIN + side + text_height + MARGIN)

    figure = Figure(figsize=(WIDTH / DPI, height / DPI), dpi=DPI, facecolor="white")
    FigureCanvasAgg(figure)
    # figimage counts from the bottom left, in pixels, and draws the array without resampling.
    left = (WIDTH - side) // 2
    figure.figimage(image, xo=left, yo=height - MARGIN - side, cmap="gray", vmin=0, vmax=1)
    y = height - MARGIN - side
    for lines, size, weight, color in blocks:
        if not lines:
            continue
        for line in lines:
            y -= line_px[size]
            figure.text(
                0.5,
                (y + line_px[size] * 0.25) / height,
                line,
                ha="center",
                va="baseline",
                fontsize=size,
                fontweight=weight,
                color=color,
                family="DejaVu Sans",
                parse_math=False,
            )
        y -= gap
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, facecolor="white")
    return buffer.getvalue()
