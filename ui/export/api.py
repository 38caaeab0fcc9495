"""Turn an export request (format, view, theme, which step) into files; shared by CLI and dialog."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QRectF
from PySide6.QtWidgets import QApplication

from gradviz.backward.numbers import format_values
from gradviz.backward.replay import Replay, ReplayState, vjp_view
from gradviz.backward.rules import node_rule
from gradviz.cli.export import ANIMATIONS, ExportError, ExportSource
from gradviz.graph.naming import localize_labels
from gradviz.language import language_for
from ui.export.camera import ASPECT, MAX_SIDE, MAX_STILL_SIDE, Framing, frame_areas
from ui.export.drawing import GraphDrawing
from ui.export.grouped import GroupedDrawing
from ui.export.sampling import MAX_FRAMES, StepSample, sample_steps
from ui.export.steps import FrameState, final_state, state_at, states_at, step_count
from ui.export.writers import Drawing, Frame, Progress, write_animation, write_pdf, write_png, write_svg
from ui.player.names import TensorNames
from ui.theme import THEMES, Theme

__all__ = [
    "ExportRequest",
    "Notice",
    "caption_for",
    "export_drawing",
    "export_source",
    "frames_for",
    "iteration_of",
    "many_grads",
    "prepare_qt",
]

translate = QCoreApplication.translate
CAPTION_CHARS = 140


@dataclass
class ExportRequest:
    fmt: str  # png | svg | pdf | gif | apng | webp
    view: str = "dataflow"
    theme: str | Theme = "light"
    mode: str = "final"  # "final" | "step" | "all" | "graph" (no backward state)
    step: int | None = None
    scale: float = 1.0
    transparent: bool = False
    area: QRectF | None = None  # scene rectangle of the drawing to export (None: all of it)
    lang: str = "en"  # the language of the numbers' words (rule notes); captions follow Qt's translator
    # pixels on each side of a raster frame at most (None: 1920 for animations, 8192 for a PNG);
    # a bigger graph is shown through a window that follows the running node (ui.export.camera)
    max_size: int | None = None
    max_frames: int | None = MAX_FRAMES  # an animation or handout of a longer call is sampled (None: all)
    # the window's grouped picture (module boxes, folded loops); False: every node of the snapshot
    grouped: bool = True

    def side_limit(self) -> int:
        if self.max_size is not None:
            return self.max_size
        return MAX_SIDE if self.fmt in ANIMATIONS else MAX_STILL_SIDE


Notice = Callable[[str], None]  # told what an export left out or reframed (the CLI prints it)


def prepare_qt(lang: str = "en") -> None:
    """A widgets application (fonts and the window's graph scene need one) and the requested
    language's translations."""
    if QCoreApplication.instance() is None:
        QApplication([])
    from ui.i18n import language_switcher

    qt_language = language_for(lang).qt
    switcher = language_switcher()
    if switcher.language != qt_language:
        switcher.apply(qt_language)


def _event_text(state: FrameState) -> str:
    """What happened at this step, in the learner's words."""
    detail = state.detail
    texts = {
        "call_started": translate("Export", "starts: {0} nodes to run").format(len(state.node_states)),
        "node_started": translate("Export", "{0} receives its grad").format(detail),
        "node_finished": translate("Export", "{0} sends grads to its inputs").format(detail),
        "grad_accumulated": translate("Export", "{0}.grad += incoming grad").format(detail),
        "grad_captured": translate("Export", "grad of {0} captured").format(detail),
        "buffer_freed": translate("Export", "frees {0}").format(detail),
        "hook_called": translate("Export", "hook on {0}").format(detail),
        "error_raised": translate("Export", "error"),
        "call_finished": translate("Export", "finished"),
    }
    return texts.get(state.event, state.event)


def iteration_of(snapshot: Mapping[str, Any] | None) -> tuple[int, int] | None:
    """(iteration, of how many), 1-based, when ``snapshot`` is one iteration of a training loop
    (gradviz.backward.training.iteration_graph marks it), else None."""
    marked = ((snapshot or {}).get("graph") or {}).get("iteration")
    if not isinstance(marked, Mapping):
        return None
    index, count = marked.get("index"), marked.get("count")
    if not isinstance(index, int) or not isinstance(count, int):
        return None
    return index + 1, count


LoopStep = Callable[[str | None], tuple[str, int, int] | None]  # node -> (loop label, step, steps)


def caption_for(
    state: FrameState,
    call_number: int | None,
    every: int = 1,
    iteration: tuple[int, int] | None = None,
    loop_step: LoopStep | None = None,
) -> str:
    """The line above each frame: which call (in a training loop: which iteration of how many),
    which step, what happened, and which step of a loop of the script's the node belongs to; the
    error once raised. ``every`` > 1: the animation is sampled, and the line says so."""
    call = (
        translate("Export", "backward call {0}").format(call_number) if call_number else translate("Export", "backward")
    )
    if iteration is not None:
        call = translate("Export", "iteration {0} of {1} (backward call {2})").format(
            iteration[0], iteration[1], call_number
        )
    inside = loop_step(state.current) if loop_step is not None and state.event != "call_finished" else None
    if inside is not None:  # the loop itself is the lit node; its label is drawn there
        call += " · " + translate("Export", "loop step {0} of {1}").format(inside[1], inside[2])
    text = translate("Export", "{0} · step {1}/{2}: {3}").format(call, state.step, state.steps, _event_text(state))
    if every > 1:
        text += " · " + translate("Export", "sampled: 1 frame per {0} steps").format(every)
    if state.error:
        text += " · " + state.error
    return text if len(text) <= CAPTION_CHARS else text[: CAPTION_CHARS - 1] + "…"


MAX_NOTES = 8  # note lines under a frame's caption: the rule lines, then the newest ledger rows
RULE_NOTES = 4


class _Notes:
    """The numbers the app's player shows at a step, as text lines under an exported frame's
    caption: the running node's rule with its numbers, the ``.grad`` ledger of this call, and at
    the end what each leaf holds. Built from the same Replay states and rule texts as the player."""

    def __init__(self, trace: Mapping[str, Any], snapshot: Mapping[str, Any] | None, lang: str) -> None:
        self.trace = trace
        self.snapshot = dict(snapshot) if snapshot is not None else None
        self.replay = Replay(trace, snapshot)
        self.lang = lang
        self.names = TensorNames()
        self.names.set_snapshot(self.snapshot)
        self._rules: dict[str, list[str]] = {}
        self._nodes = {str(n.get("id")): n for n in (self.snapshot or {}).get("nodes", [])}

    def _label(self, tensor_id: str) -> str:
        return self.names.label(tensor_id, self.trace.get("cell"))

    def _rule_lines(self, state: ReplayState) -> list[str]:
        node = state.current_node
        if node is None or state.finished or node not in state.grads_out:
            return []
        lines = self._rules.get(node)
        if lines is None:
            view = vjp_view(self.trace, node)
            lines = self._rules[node] = node_rule(view, self.snapshot, self.lang, self._nodes).lines
        return lines

    def at(self, step: int) -> list[str]:
        state = self.replay.state(step)
        ledger = [f"{self._label(e.tensor_id)}.grad: {e.text().replace(' -> ', ' → ')}" for e in state.ledger]
        if state.finished:
            head = [
                translate("Export", "finished: {0}.grad = {1}").format(self._label(t), format_values(g))
                for t, g in state.leaf_grads.items()
                if g is not None
            ]
        else:
            head = self._rule_lines(state)[:RULE_NOTES]
        room = max(1, MAX_NOTES - len(head))
        if len(ledger) > room:  # the newest ledger rows, and how many earlier ones are left out
            earlier = len(ledger) - room + 1
            ledger = [translate("Export", "… {0} earlier").format(earlier), *ledger[earlier:]]
        return head + ledger


def _captioned(
    state: FrameState,
    call_number: int | None,
    notes: list[str],
    every: int = 1,
    iteration: tuple[int, int] | None = None,
    loop_step: LoopStep | None = None,
) -> str:
    return "\n".join([caption_for(state, call_number, every, iteration, loop_step), *notes])


def many_grads() -> str:
    """The words of a long input-buffer sum, in the export's language (ui.export.steps.sum_text)."""
    return translate("Export", "{a} + … + {z} = {total} ({n} grads)")


def frames_for(
    trace: Mapping[str, Any] | None,
    call_number: int | None,
    mode: str,
    step: int | None,
    snapshot: Mapping[str, Any] | None = None,
    lang: str = "en",
    sample: StepSample | None = None,
    loop_step: LoopStep | None = None,
) -> list[Frame]:
    """The (state, caption) pictures a request asks for; no trace means the bare graph. A caption's
    first line says which step this is, the lines under it carry the step's numbers (``_Notes``).
    ``sample`` (mode "all"): only those steps, each caption saying the animation is sampled.
    ``loop_step`` (ui.export.grouped.GroupedDrawing.loop_step): the caption names the loop step."""
    if trace is None or mode == "graph":
        if mode in ("step", "all"):
            raise ExportError("the script makes no backward() call, so there are no steps to show")
        return [(None, None)]
    notes = _Notes(trace, snapshot, lang)
    iteration = iteration_of(snapshot)
    many = many_grads()
    if mode == "all":
        steps = sample.steps if sample is not None else range(step_count(trace))
        every = sample.stride if sample is not None and sample.sampled else 1
        states = states_at(trace, steps, snapshot, many)
        return [
            (s, _captioned(s, call_number, notes.at(k), every, iteration, loop_step))
            for k, s in zip(steps, states, strict=True)
        ]
    if mode == "step":
        last = step_count(trace) - 1
        if step is None or not 0 <= step <= last:
            which = f"call {call_number}" if call_number else "this call"
            raise ExportError(f"there is no step {step}: {which} has steps 0..{last}")
        state = state_at(trace, step, snapshot, many)
        return [(state, _captioned(state, call_number, notes.at(step), 1, iteration, loop_step))]
    final = final_state(trace, snapshot, many)
    return [(final, _captioned(final, call_number, notes.at(step_count(trace) - 1), iteration=iteration))]


def resolve_theme(theme: str | Theme) -> Theme:
    if isinstance(theme, Theme):
        return theme
    if theme not in THEMES:
        raise ExportError(f"unknown theme {theme!r}: use one of {', '.join(THEMES)}")
    return THEMES[theme]


def export_drawing(
    path: str | Path,
    drawing: Drawing,
    frames: list[Frame],
    request: ExportRequest,
    progress: Progress | None = None,
    notice: Notice | None = None,
) -> int:
    """Write ``frames`` of ``drawing``; returns the number of frames or pages written.

    A raster export of a snapshot drawing bigger than ``request.side_limit()`` pixels is framed by
    ui.export.camera: each frame (or the one PNG) shows the window around its step's node at the
    requested scale, and ``notice`` hears what the whole would have measured."""
    theme = resolve_theme(request.theme)
    fmt = request.fmt
    framing = None
    scale = request.scale
    if isinstance(drawing, GraphDrawing | GroupedDrawing) and request.area is None and fmt in ("png", *ANIMATIONS):
        states = [state for state, _ in frames]
        aspect = ASPECT if fmt in ANIMATIONS else None
        framing = frame_areas(drawing, states, [c for _, c in frames], request.scale, request.side_limit(), aspect)
        scale = framing.scale
        if notice is not None and (framing.follows or framing.scale < request.scale):
            notice(_framing_note(framing, fmt, request))
    if fmt in ANIMATIONS:
        areas = framing.areas if framing is not None and framing.follows else None
        return write_animation(
            path, fmt, drawing, theme, frames, scale=scale, area=request.area, areas=areas, progress=progress
        )
    if fmt == "pdf":
        pages = write_pdf(path, drawing, theme, frames, area=request.area, progress=progress)
        if pages > len(frames) and notice is not None:
            size = drawing.bounds([c for _, c in frames]) if request.area is None else request.area
            text = translate(
                "Export",
                "the drawing is {0} x {1} px (96 px an inch); a PDF page is at most 200 inches (19,200 px) a side, "
                "so each picture is split over {2} pages",
            )
            notice(text.format(f"{size.width():,.0f}", f"{size.height():,.0f}", pages // len(frames)))
        return pages
    if len(frames) != 1:
        raise ExportError(f".{fmt} holds one picture; use .pdf or an animation for several steps")
    if fmt == "png":
        area = framing.areas[0] if framing is not None and framing.follows else request.area
        write_png(path, drawing, theme, frames[0], scale=scale, transparent=request.transparent, area=area)
    elif fmt == "svg":
        write_svg(path, drawing, theme, frames[0], area=request.area)
    else:
        raise ExportError(f"cannot export to .{fmt}")
    return 1


def _framing_note(framing: Framing, fmt: str, request: ExportRequest) -> str:
    """What a bounded export did instead of the full-size picture, for the CLI and the dialog."""
    (full_w, full_h), (part_w, part_h) = framing.full_px, framing.frame_px
    head = translate("Export", "the whole graph would be {0} x {1} px (limit {2} px a side)").format(
        f"{full_w:,}", f"{full_h:,}", request.side_limit()
    )
    if not framing.follows:
        shrunk = f"{framing.scale / request.scale:.2f}"
        return translate("Export", "{0}; drawn whole at {1} x the scale, {2} x {3} px").format(
            head, shrunk, part_w, part_h
        )
    if fmt in ANIMATIONS:
        text = translate("Export", "{0}; each frame follows the running node at {1} x {2} px")
        return text.format(head, part_w, part_h) + _whole_hint()
    if framing.around:
        text = translate("Export", "{0}; wrote the {1} x {2} px part around {3}")
        return text.format(head, part_w, part_h, framing.around) + _whole_hint()
    return translate("Export", "{0}; wrote the {1} x {2} px part").format(head, part_w, part_h) + _whole_hint()


def _whole_hint() -> str:
    return " " + translate("Export", "(use .svg or .pdf for all of it, or a larger size limit)")


def _sample_note(sample: StepSample) -> str:
    return translate(
        "Export", "sampled {0} of {1} steps: 1 in every {2}, plus the first, the last and each .grad accumulation"
    ).format(len(sample.steps), f"{sample.total:,}", sample.stride)


def export_source(
    path: str | Path,
    source: ExportSource,
    request: ExportRequest,
    progress: Progress | None = None,
    notice: Notice | None = None,
) -> int:
    """Lay out ``source``'s graph in the requested view and write the requested frames. An
    animation of a call longer than ``request.max_frames`` steps is sampled; ``notice`` hears how."""
    mode = request.mode
    sample = None
    # Layer titles ("output of model.0") are the graph's own text: in the export's language.
    localize_labels(source.snapshot, language_for(request.lang).text)
    if request.fmt in ANIMATIONS:
        mode = "all" if source.trace is not None else "graph"  # an animation is every step, or one still
    if mode == "all" and source.trace is not None:  # an animation or a PDF handout
        sample = sample_steps(source.trace, request.max_frames)
    # the window's picture: module boxes and loops grouped, folded by its default rules
    drawing: GroupedDrawing | GraphDrawing
    if request.grouped:
        drawing = GroupedDrawing(source.snapshot, request.view, resolve_theme(request.theme))
    else:
        drawing = GraphDrawing(source.snapshot, request.view)
    frames = frames_for(
        source.trace,
        source.call_number,
        mode,
        request.step,
        source.snapshot,
        request.lang,
        sample=sample,
        loop_step=drawing.loop_step if isinstance(drawing, GroupedDrawing) else None,
    )
    if isinstance(drawing, GroupedDrawing):
        drawing.fit(state for state, _ in frames)
    written = export_drawing(path, drawing, frames, request, progress, notice)
    if sample is not None and sample.sampled and notice is not None:
        notice(_sample_note(sample))
    return written
