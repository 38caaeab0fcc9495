"""An op's saved buffers as chips: every saved tensor keeps its own chip (it turns red when freed),
while the size and stride lists PyTorch keeps for shape bookkeeping (AddmmBackward0 has four:
mat1_sym_sizes, mat1_sym_strides, ...) share one chip, so a Linear layer's node stays small."""

from __future__ import annotations

from typing import Any

from ui.graph.items import OpItem
from ui.graph.style import palette_for
from ui.theme import LIGHT


def _addmm(shape_records: int) -> dict[str, Any]:
    saved: list[dict[str, Any]] = [
        {"attr": "_saved_mat1", "kind": "tensor"},
        {"attr": "_saved_mat2", "kind": "tensor"},
        {"attr": "_saved_alpha", "kind": "scalar", "value": 1},
        {"attr": "_saved_beta", "kind": "scalar", "value": 1},
    ]
    names = ("mat1_sym_sizes", "mat1_sym_strides", "mat2_sym_sizes", "mat2_sym_strides")
    saved += [{"attr": f"_saved_{n}", "kind": "list", "value": "[32, 16]"} for n in names[:shape_records]]
    return {"kind": "op", "name": "AddmmBackward0", "label": "AddmmBackward0", "sequence_nr": 31, "saved": saved}


def test_size_and_stride_records_share_one_chip(qapp) -> None:
    item = OpItem("n1", _addmm(4), palette_for(LIGHT))
    texts = [chip.text for chip in item._chips]
    assert texts == ["mat1", "mat2", "alpha=1", "beta=1", "4 sizes/strides"]
    assert [chip.tensor for chip in item._chips] == [True, True, False, False, False]
    # Saved tensors still turn red when freed.
    assert item.set_buffer_freed("_saved_mat1", True)
    assert [chip.freed for chip in item._chips][:2] == [True, False]


def test_a_single_size_record_keeps_its_own_chip(qapp) -> None:
    item = OpItem("n1", _addmm(1), palette_for(LIGHT))
    assert [chip.text for chip in item._chips][-1].startswith("mat1_sym_sizes=")
