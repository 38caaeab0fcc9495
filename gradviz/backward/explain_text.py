"""The words of every explanation, in English and Simplified Chinese.

Kept apart from the logic in explain.py so a translator edits one table. Templates use
``str.format`` fields named after the Reason's params; ``{name}`` is the learner's variable name
(or "this tensor"), ``{fix}`` a code suggestion.
"""

from __future__ import annotations

__all__ = ["LANGS", "TEXTS", "UNNAMED"]

LANGS = ("en", "zh")

UNNAMED = {"en": "this tensor", "zh": "这个张量"}

TEXTS: dict[str, dict[str, str]] = {
    # -- why .grad is None ------------------------------------------------------------------
    "not_leaf_no_retain": {
        "en": "{name} is not a leaf: it was computed from other tensors (grad_fn={grad_fn}). "
        "backward() only fills .grad of leaves; call {name}.retain_grad() before the "
        "backward line to keep it.",
        "zh": "{name} 不是叶子张量：它由其他张量计算得到（grad_fn={grad_fn}）。backward() 只会填充叶子张量的 "
        ".grad；若要保留它，请在调用 backward 的那一行之前加上 {name}.retain_grad()。",
    },
    "requires_grad_false": {
        "en": "{name} does not require grad, so autograd does not track it. Create it with "
        "requires_grad=True, or call {name}.requires_grad_() before using it.",
        "zh": "{name} 的 requires_grad 为 False，autograd 不会追踪它。请在创建时传入 requires_grad=True，"
        "或在使用前调用 {name}.requires_grad_()。",
    },
    "created_under_no_grad": {
        "en": "{name} was computed inside a torch.no_grad() block, so it has no grad_fn and "
        "no gradient flows through it. Compute it outside the no_grad block.",
        "zh": "{name} 是在 torch.no_grad() 代码块中计算的，因此没有 grad_fn，梯度不会流经它。"
        "请在 no_grad 代码块之外计算它。",
    },
    "detached": {
        "en": "{name} was made by {method}: it shares the data but is cut off from the graph, "
        "so no gradient reaches it. Use the original tensor instead.",
        "zh": "{name} 是通过 {method} 得到的：它与原张量共享数据，但已与计算图断开，梯度无法到达它。请改用原来的张量。",
    },
    "not_on_path": {
        "en": "{name} is not on any path from the tensor backward() started at ({roots}), so no gradient reached it.",
        "zh": "从调用 backward() 的张量（{roots}）出发，没有任何路径经过 {name}，因此没有梯度到达它。",
    },
    "integer_dtype": {
        "en": "{name} has dtype {dtype}: only floating-point (and complex) tensors can have "
        "gradients. Create it as a float, e.g. with dtype=torch.float32.",
        "zh": "{name} 的数据类型是 {dtype}：只有浮点（及复数）张量才能有梯度。"
        "请以浮点类型创建它，例如传入 dtype=torch.float32。",
    },
    "grad_via_autograd_grad": {
        "en": "Gradients for {name} were taken with torch.autograd.grad, which returns them "
        "instead of accumulating into .grad. Use the returned value, or call backward().",
        "zh": "{name} 的梯度是用 torch.autograd.grad 求得的：它直接返回梯度，而不会累加到 .grad 中。"
        "请使用它的返回值，或改用 backward()。",
    },
    "python_number": {
        "en": "{value} is a plain Python number in the expression: PyTorch wraps it as a constant "
        "tensor, and constants never get a gradient.",
        "zh": "{value} 是表达式中的普通 Python 数字：PyTorch 把它包装成常量张量，而常量永远不会有梯度。",
    },
    "backward_not_called": {
        "en": "backward() has not been called yet, so {name}.grad is still None.",
        "zh": "还没有调用 backward()，所以 {name}.grad 仍然是 None。",
    },
    "grad_reset": {
        "en": "backward() did fill {name}.grad, but it was set back to None afterwards "
        "(e.g. {name}.grad = None or optimizer.zero_grad()).",
        "zh": "backward() 确实填充过 {name}.grad，但之后又被重置为 None"
        "（例如 {name}.grad = None 或 optimizer.zero_grad()）。",
    },
    # -- errors ------------------------------------------------------------------------------
    "err_non_scalar_backward": {
        "en": "backward() without arguments needs a scalar (one number) to start from, but "
        "this tensor has several elements. Reduce it first, e.g. {fix}, or pass "
        "gradient= with a tensor of the same shape.",
        "zh": "不带参数的 backward() 需要从一个标量（单个数）开始，而这个张量有多个元素。"
        "请先把它归约为标量，例如 {fix}，或者传入与它形状相同的 gradient= 参数。",
    },
    "err_backward_twice": {
        "en": "The first backward() through this graph freed its saved buffers (the values "
        "the local rules need) to save memory. A second backward over the same graph "
        "finds them gone. Pass retain_graph=True to the first call: {fix}",
        "zh": "第一次对这张计算图调用 backward() 时，为节省内存已释放了保存的中间值（局部求导规则需要的值）。"
        "再次对同一张图反向传播时，这些值已经不存在了。请在第一次调用时传入 retain_graph=True：{fix}",
    },
    "err_version_counter": {
        "en": "A tensor that a backward rule saved was changed in place after it was saved "
        "(its version counter moved on), so its gradient would be wrong. Use the "
        "out-of-place form (e.g. y = y + 1 instead of y += 1), or .clone() first.",
        "zh": "某个被反向规则保存的张量在保存之后被原地修改了（版本计数器已变化），"
        "这样算出的梯度会是错的。请改用非原地写法（例如用 y = y + 1 代替 y += 1），或先调用 .clone()。",
    },
    "err_leaf_inplace": {
        "en": "An in-place operation on a leaf that requires grad would overwrite the value "
        "autograd starts from. Do the update under torch.no_grad(), or use an "
        "out-of-place operation: {fix}",
        "zh": "对需要梯度的叶子张量进行原地操作，会覆盖 autograd 的起点值。"
        "请在 torch.no_grad() 中进行更新，或改用非原地操作：{fix}",
    },
    "err_no_grad_fn": {
        "en": "backward() started from a tensor that does not require grad and has no "
        "grad_fn: nothing upstream requires grad (or it was computed under no_grad / "
        "detached). Create the inputs with requires_grad=True.",
        "zh": "backward() 的起点张量不需要梯度，也没有 grad_fn：它的上游没有任何需要梯度的张量"
        "（或者它是在 no_grad 下计算的 / 已被 detach）。请用 requires_grad=True 创建输入张量。",
    },
    "err_int_requires_grad": {
        "en": "Only floating-point and complex tensors can require gradients; this one is an "
        "integer tensor. Create it as a float: {fix}",
        "zh": "只有浮点和复数张量才能需要梯度；这是一个整数张量。请以浮点类型创建它：{fix}",
    },
    "err_unused_input": {
        "en": "One of the tensors passed to autograd.grad was not used to compute the output, "
        "so it has no gradient. Pass allow_unused=True to get None for it.",
        "zh": "传给 autograd.grad 的某个张量没有参与输出的计算，因此没有梯度。"
        "传入 allow_unused=True 可以让它的结果为 None。",
    },
}
