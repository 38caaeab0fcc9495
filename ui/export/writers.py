"""Write a drawing to PNG, SVG, PDF (one page or a handout) and animated GIF/APNG/WebP.

Sizes: one scene unit is one CSS pixel (1/96 in). SVG is generated at 96 dpi with its viewBox in
scene units, so a 13 px label is ``font-size="13"`` in a document whose width in mm matches the
pixel width (QSvgGenerator's 72 dpi default would shrink everything by a quarter). PDF pages are
the drawing's size at 96 dpi (one scene unit = 0.75 pt), text stays text.

Every writer renders into a temporary file next to the target and renames it on success
(gradviz.cli.export.atomic_path), so a failed or interrupted export leaves no partial file.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast

from PySide6.QtCore import QMarginsF, QRectF, QSize, QSizeF
from PySide6.QtGui import QColor, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter
from PySide6.QtSvg import QSvgGenerator

from gradviz.cli.export import ExportError, atomic_path
from ui.export.steps import FrameState
from ui.theme import Theme

if TYPE_CHECKING:
    from PIL import Image

__all__ = [
    "ANIMATION_FORMATS",
    "FRAME_MS",
    "HOLD_FIRST_MS",
    "HOLD_LAST_MS",
    "Drawing",
    "Frame",
    "Progress",
    "pdf_tiles",
    "render_image",
    "write_animation",
    "write_pdf",
    "write_png",
    "write_svg",
]

DPI = 96
FRAME_MS = 450
HOLD_FIRST_MS = 1400
HOLD_LAST_MS = 2800
ANIMATION_FORMATS = {"gif": "GIF", "apng": "PNG", "webp": "WEBP"}
MAX_PIXELS = 80_000_000
PDF_MAX_PAGE = 19_200  # units (200 in at 96 dpi): the largest page PDF readers open as it is
PNG_COMPRESS_LEVEL = 1  # a raster export past this many pixels is refused, not allocated

Progress = Callable[[int, int], None]
Frame = tuple[FrameState | None, str | None]  # state and caption of one picture


class Drawing(Protocol):
    """What the writers paint: a GraphDrawing laid out from a snapshot (ui.export.drawing) or the
    live canvas's scene (ui.export.scene_source.SceneDrawing), in scene coordinates."""

    def bounds(self, captions: Sequence[str | None] = ()) -> QRectF:
        """The rectangle a full export covers, with room for the longest of ``captions``."""
        ...

    def paint(
        self,
        painter: QPainter,
        theme: Theme,
        state: FrameState | None = None,
        caption: str | None = None,
        background: bool = True,
        area: QRectF | None = None,
    ) -> None:
        """Draw the frame; the caller maps the export rectangle onto its device."""


def _device_transform(painter: QPainter, area: QRectF, scale: float) -> None:
    painter.scale(scale, scale)
    painter.translate(-area.left(), -area.top())


def render_image(
    drawing: Drawing,
    theme: Theme,
    frame: Frame = (None, None),
    *,
    scale: float = 1.0,
    transparent: bool = False,
    area: QRectF | None = None,
) -> QImage:
    """One frame as an ARGB image, ``scale`` device pixels per scene unit."""
    state, caption = frame
    rect = area or drawing.bounds([caption])
    width, height = max(1, round(rect.width() * scale)), max(1, round(rect.height() * scale))
    if width * height > MAX_PIXELS:
        raise ExportError(f"the picture would be {width} x {height} pixels; use a smaller --scale")
    # Opaque exports paint straight into packed RGB, the layout Pillow encodes, so saving needs
    # no per-pixel conversion; transparent ones need premultiplied ARGB to blend correctly.
    fmt = QImage.Format.Format_ARGB32_Premultiplied if transparent else QImage.Format.Format_RGB888
    image = QImage(width, height, fmt)
    image.fill(QColor(0, 0, 0, 0) if transparent else QColor(theme.canvas_bg))
    painter = QPainter(image)
    _device_transform(painter, rect, scale)
    drawing.paint(painter, theme, state, caption, background=not transparent, area=rect)
    painter.end()
    return image


def write_png(
    path: str | Path,
    drawing: Drawing,
    theme: Theme,
    frame: Frame = (None, None),
    *,
    scale: float = 1.0,
    transparent: bool = False,
    area: QRectF | None = None,
) -> None:
    image = render_image(drawing, theme, frame, scale=scale, transparent=transparent, area=area)
    picture = _to_pillow(image, alpha=transparent)
    with atomic_path(path) as tmp:
        # zlib level 1: flat-colour drawings compress nearly as well as at level 6, several times
        # faster (a 30-megapixel export of a 1,000-node graph saves in about a second).
        picture.save(str(tmp), format="PNG", compress_level=PNG_COMPRESS_LEVEL, dpi=(DPI * scale, DPI * scale))


def write_svg(
    path: str | Path,
    drawing: Drawing,
    theme: Theme,
    frame: Frame = (None, None),
    *,
    area: QRectF | None = None,
    title: str = "gradviz graph",
) -> None:
    state, caption = frame
    rect = area or drawing.bounds([caption])
    with atomic_path(path) as tmp:
        generator = QSvgGenerator()
        generator.setFileName(str(tmp))
        generator.setResolution(DPI)
        generator.setSize(QSize(max(1, round(rect.width())), max(1, round(rect.height()))))
        generator.setViewBox(QRectF(0, 0, rect.width(), rect.height()))
        generator.setTitle(title)
        painter = QPainter()
        if not painter.begin(generator):
            raise ExportError(f"could not write {path}")
        painter.translate(-rect.left(), -rect.top())
        drawing.paint(painter, theme, state, caption, area=rect)
        painter.end()


def pdf_tiles(rect: QRectF) -> list[QRectF]:
    """``rect`` cut into pages of at most ``PDF_MAX_PAGE`` units a side, row by row: PDF readers
    refuse or shrink pages over 200 inches (a 300-iteration loop is 148,000 units tall)."""
    columns = max(1, math.ceil(rect.width() / PDF_MAX_PAGE))
    rows = max(1, math.ceil(rect.height() / PDF_MAX_PAGE))
    width, height = rect.width() / columns, rect.height() / rows
    return [
        QRectF(rect.left() + c * width, rect.top() + r * height, width, height)
        for r in range(rows)
        for c in range(columns)
    ]


def write_pdf(
    path: str | Path,
    drawing: Drawing,
    theme: Theme,
    frames: Sequence[Frame],
    *,
    area: QRectF | None = None,
    progress: Progress | None = None,
    title: str = "gradviz graph",
) -> int:
    """One page per frame (a handout when ``frames`` holds every step), each the drawing's size;
    a drawing past ``PDF_MAX_PAGE`` units a side goes on several pages (``pdf_tiles``), the
    caption on the first. Returns the number of pages."""
    if not frames:
        raise ExportError("nothing to export")
    rect = area or drawing.bounds([caption for _, caption in frames])
    tiles = pdf_tiles(rect)
    with atomic_path(path) as tmp:
        writer = QPdfWriter(str(tmp))
        writer.setResolution(DPI)
        writer.setTitle(title)
        writer.setCreator("gradviz")
        points = QSizeF(tiles[0].width() * 72.0 / DPI, tiles[0].height() * 72.0 / DPI)
        writer.setPageLayout(
            QPageLayout(
                QPageSize(points, QPageSize.Unit.Point, "gradviz", QPageSize.SizeMatchPolicy.ExactMatch),
                QPageLayout.Orientation.Portrait,
                QMarginsF(0, 0, 0, 0),
            )
        )
        painter = QPainter()
        if not painter.begin(writer):
            raise ExportError(f"could not write {path}")
        pages = 0
        try:
            for i, (state, caption) in enumerate(frames):
                for tile in tiles:
                    if pages:
                        writer.newPage()
                    painter.save()
                    painter.setClipRect(QRectF(0, 0, tile.width(), tile.height()))
                    painter.translate(-tile.left(), -tile.top())
                    drawing.paint(painter, theme, state, caption, area=rect)
                    painter.restore()
                    pages += 1
                if progress is not None:
                    progress(i + 1, len(frames))
        finally:
            painter.end()
    return pages


def frame_durations(count: int) -> list[int]:
    """Per-frame display times: the first and last frames are held so a loop reads as a story."""
    if count == 1:
        return [HOLD_LAST_MS]
    return [HOLD_FIRST_MS] + [FRAME_MS] * (count - 2) + [HOLD_LAST_MS]


def _to_pillow(image: QImage, alpha: bool = True) -> Image.Image:
    """The image as a Pillow image (RGBA, or RGB when no pixel needs transparency)."""
    from PIL import Image

    fmt, mode = (QImage.Format.Format_RGBA8888, "RGBA") if alpha else (QImage.Format.Format_RGB888, "RGB")
    converted = image if image.format() == fmt else image.convertToFormat(fmt)
    # constBits() is a memoryview over the QImage's pixels; Pillow reads any buffer (its stubs say bytes).
    pixels = cast("bytes", converted.constBits())
    picture = Image.frombuffer(
        mode, (converted.width(), converted.height()), pixels, "raw", mode, converted.bytesPerLine(), 1
    )
    return picture.copy() if picture.readonly else picture  # own the pixels: the QImage may go away


def _shared_palette(samples: list[Image.Image], theme: Theme) -> list[tuple[int, int, int]]:
    """One palette for every GIF frame: every theme colour, then the sample frames' (the first,
    middle and last) most common colours, exactly. A drawing is flat fills, lines and text, so a
    few hundred colours cover nearly every pixel and a fill is never shifted to a neighbouring
    shade; the rest (antialiasing) go to the nearest entry. Per-frame palettes would let Pillow's
    frame differencing mix entries of different palettes."""
    wanted: dict[tuple[int, int, int], None] = {}
    for hex_colour in theme.as_dict().values():
        if isinstance(hex_colour, str) and hex_colour.startswith("#") and len(hex_colour) == 7:
            wanted[(int(hex_colour[1:3], 16), int(hex_colour[3:5], 16), int(hex_colour[5:7], 16))] = None
    counts: dict[tuple[int, int, int], int] = {}
    for picture in samples:
        for count, colour in picture.convert("RGB").getcolors(maxcolors=picture.width * picture.height) or []:
            rgb = cast("tuple[int, int, int]", colour)
            counts[rgb] = counts.get(rgb, 0) + count
    for rgb in sorted(counts, key=counts.__getitem__, reverse=True):
        if len(wanted) >= 256:
            break
        wanted.setdefault(rgb, None)
    return list(wanted)[:256]


class _PaletteMap:
    """Maps frames onto one palette: each pixel the nearest entry, a colour in the palette exactly
    itself (Pillow's own mapping goes through a coarse colour cache and shifts pale fills by a
    shade). The answer for every colour seen is kept in a 2^24 lookup table, so a frame costs two
    array look-ups; only colours new to the animation are matched against the palette."""

    def __init__(self, colours: list[tuple[int, int, int]]) -> None:
        import numpy as np

        self.colours = colours
        self.table = np.array(colours, dtype=np.int32)
        self.lookup = np.zeros(1 << 24, dtype=np.uint8)
        self.known = np.zeros(1 << 24, dtype=bool)
        flat = [channel for colour in colours for channel in colour]
        self.flat = flat + flat[-3:] * (256 - len(colours))

    def __call__(self, picture: Image.Image) -> Image.Image:
        import numpy as np
        from PIL import Image

        rgb = np.asarray(picture.convert("RGB"), dtype=np.int32)
        packed = (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]
        new = np.unique(packed[~self.known[packed]])
        for start in range(0, len(new), 4096):  # bounded memory for a frame of many new shades
            part = new[start : start + 4096]
            seen = np.stack([(part >> 16) & 255, (part >> 8) & 255, part & 255], axis=1)
            distance = ((seen[:, None, :] - self.table[None, :, :]) ** 2).sum(axis=2)
            self.lookup[part] = distance.argmin(axis=1)
            self.known[part] = True
        out = Image.fromarray(self.lookup[packed], mode="P")
        out.putpalette(self.flat)
        return out


def write_animation(
    path: str | Path,
    fmt: str,
    drawing: Drawing,
    theme: Theme,
    frames: Sequence[Frame],
    *,
    scale: float = 1.0,
    area: QRectF | None = None,
    areas: Sequence[QRectF] | None = None,
    progress: Progress | None = None,
) -> int:
    """An animated GIF, APNG or WebP, one frame per entry of ``frames``; returns the frame count.

    Every frame has the same size (the area covers the caption band on all of them) and a
    distinct caption, so no encoder merges two steps into one frame. ``areas`` (one rectangle of
    one size per frame, ui.export.camera) makes each frame show its own part of the drawing.
    """
    if fmt not in ANIMATION_FORMATS:
        raise ExportError(f"unknown animation format {fmt!r}")
    if not frames:
        raise ExportError("nothing to export")
    if areas is not None and len(areas) != len(frames):
        raise ExportError(f"{len(frames)} frames but {len(areas)} camera areas")

    rect = area or drawing.bounds([caption for _, caption in frames])

    def picture(i: int) -> Image.Image:
        where = areas[i] if areas is not None else rect
        return _to_pillow(render_image(drawing, theme, frames[i], scale=scale, area=where), alpha=fmt != "gif")

    # A GIF frame is kept as one palette byte a pixel, not three: the palette comes from sample
    # frames first, then each frame is quantized as soon as it is drawn (a 116-frame GIF held
    # 700 MB of RGB frames before).
    palette = None
    samples: dict[int, Image.Image] = {}
    if fmt == "gif":
        samples = {i: picture(i) for i in sorted({0, len(frames) // 2, len(frames) - 1})}
        palette = _PaletteMap(_shared_palette(list(samples.values()), theme))
    pictures = []
    for i in range(len(frames)):
        drawn = samples.pop(i, None) or picture(i)
        if palette is not None:
            drawn = palette(drawn)
        pictures.append(drawn)
        if progress is not None:
            progress(i + 1, len(frames))
    durations = frame_durations(len(pictures))
    options: dict[str, object] = {"save_all": True, "append_images": pictures[1:], "duration": durations, "loop": 0}
    if fmt == "gif":
        options.update(optimize=False, disposal=1)
    elif fmt == "apng":
        options.update(default_image=False)
    elif fmt == "webp":
        options.update(lossless=True, method=4)
    with atomic_path(path) as tmp:
        pictures[0].save(str(tmp), format=ANIMATION_FORMATS[fmt], **options)
    return len(pictures)
