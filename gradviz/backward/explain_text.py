"""The words of every explanation, in English and Simplified Chinese.

Kept apart from the logic in explain.py so a translator edits one table. Templates use
``str.format`` fields named after the Reason's params; ``{name}`` is the learner's variable name
(or "this tensor"), ``{fix}`` a code suggestion.
"""

from __future__ import annotations

__all__ = ["DEFAULTS", "LANGS", "TEXTS", "UNNAMED"]

LANGS = ("en", "zh")

UNNAMED = {"en": "this tensor", "zh": "这个张量"}

# Words for parameters a reason may lack (an unnamed root of backward()).
DEFAULTS = {"roots": {"en": "a tensor", "zh": "某个张量"}}

# A template may have a "<lang>_nofix" twin, used when the reason carries no fix: the text then
# describes the remedy in words instead of pointing at code that is not there.
TEXTS: dict[str, dict[str, str]] = {
    # -- why .grad is None ------------------------------------------------------------------
    "not_leaf_no_retain": {
        "en": "{name} is not a leaf: it was computed from other tensors (grad_fn={grad_fn}). "
        "backward() only fills .grad of leaves; add {fix} right after the line that computes it "
        "to keep its gradient too.",
        "en_nofix": "{name} is not a leaf: it was computed from other tensors (grad_fn={grad_fn}). "
        "backward() only fills .grad of leaves. To see its gradient, give it a name of its own "
        "and call .retain_grad() on it before backward().",
        "zh": "{name} 不是叶子张量：它由其他张量计算得到（grad_fn={grad_fn}）。backward() 只会填充叶子张量的 "
        ".grad；在计算它的那一行之后加上 {fix}，就能把它的梯度也保留下来。",
        "zh_nofix": "{name} 不是叶子张量：它由其他张量计算得到（grad_fn={grad_fn}）。backward() 只会填充叶子张量的 "
        ".grad。若想看到它的梯度，请先把它赋给一个变量，并在 backward() 之前对该变量调用 .retain_grad()。",
    },
    "requires_grad_false": {
        "en": "{name} does not require grad, so autograd does not track it. Add {fix} right after "
        "the line that creates it (before it is used), or create it with requires_grad=True.",
        "en_nofix": "{name} does not require grad, so autograd does not track it. Create it with "
        "requires_grad=True, or call .requires_grad_() on it right after it is made, before it is used.",
        "zh": "{name} 的 requires_grad 为 False，autograd 不会追踪它。请在创建它的那一行之后（使用它之前）"
        "加上 {fix}，或在创建时传入 requires_grad=True。",
        "zh_nofix": "{name} 的 requires_grad 为 False，autograd 不会追踪它。请在创建时传入 requires_grad=True，"
        "或在它刚创建、还没被使用时调用 .requires_grad_()。",
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
        "en": "No gradient reached {name}: backward() started from {roots}, which was not computed "
        "from {name}, so there is no path back to it. Only tensors the result depends on get a .grad.",
        "zh": "没有梯度到达 {name}：backward() 是从 {roots} 开始的，而它的计算没有用到 {name}，"
        "所以没有任何路径能回到 {name}。只有结果所依赖的张量才会得到 .grad。",
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
        "en": "backward() has not been called yet, so the .grad of {name} is still None. "
        "Call .backward() on the result (for example the loss).",
        "zh": "还没有调用过 backward()，所以 {name} 的 .grad 仍然是 None。请对结果（例如损失）调用 .backward()。",
    },
    "grad_reset": {
        "en": "backward() did fill the .grad of {name}, but it was set back to None afterwards "
        "(by assigning None to .grad, or by optimizer.zero_grad()).",
        "zh": "backward() 确实填充过 {name} 的 .grad，但之后它又被重置为 None"
        "（例如把 .grad 赋值为 None，或调用了 optimizer.zero_grad()）。",
    },
    # -- errors ------------------------------------------------------------------------------
    "err_non_scalar_backward": {
        "en": "backward() without arguments needs a scalar (one number) to start from, but "
        "this tensor has several elements. Reduce it first, e.g. {fix}, or pass "
        "gradient= with a tensor of the same shape.",
        "en_nofix": "backward() without arguments needs a scalar (one number) to start from, but "
        "this tensor has several elements. Reduce it first with .sum() or .mean() before .backward(), "
        "or pass gradient= with a tensor of the same shape.",
        "zh": "不带参数的 backward() 需要从一个标量（单个数）开始，而这个张量有多个元素。"
        "请先把它归约为标量，例如 {fix}，或者传入与它形状相同的 gradient= 参数。",
        "zh_nofix": "不带参数的 backward() 需要从一个标量（单个数）开始，而这个张量有多个元素。"
        "请先用 .sum() 或 .mean() 把它归约为标量再调用 .backward()，或者传入与它形状相同的 gradient= 参数。",
    },
    "err_backward_twice": {
        "en": "The first backward() through this graph freed its saved buffers (the values "
        "the local rules need) to save memory. A second backward over the same graph "
        "finds them gone. Pass retain_graph=True to the first call: {fix}",
        "en_nofix": "The first backward() through this graph freed its saved buffers (the values "
        "the local rules need) to save memory. A second backward over the same graph "
        "finds them gone. Pass retain_graph=True to the first backward() call.",
        "zh": "第一次对这张计算图调用 backward() 时，为节省内存已释放了保存的中间值（局部求导规则需要的值）。"
        "再次对同一张图反向传播时，这些值已经不存在了。请在第一次调用时传入 retain_graph=True：{fix}",
        "zh_nofix": "第一次对这张计算图调用 backward() 时，为节省内存已释放了保存的中间值（局部求导规则需要的值）。"
        "再次对同一张图反向传播时，这些值已经不存在了。请在第一次调用 backward() 时传入 retain_graph=True。",
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
        "autograd starts from. Do the update inside a `with torch.no_grad():` block, or use an "
        "out-of-place operation (w = w + 1 makes a new tensor instead of changing w).",
        "zh": "对需要梯度的叶子张量进行原地操作，会覆盖 autograd 的起点值。"
        "请把更新放在 `with torch.no_grad():` 代码块中，或改用非原地操作（w = w + 1 会创建新张量，而不是修改 w）。",
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
        "integer tensor. Create it as a float, e.g. torch.tensor([1.0, 2.0], requires_grad=True) "
        "or dtype=torch.float32.",
        "zh": "只有浮点和复数张量才能需要梯度；这是一个整数张量。请以浮点类型创建它，"
        "例如 torch.tensor([1.0, 2.0], requires_grad=True) 或传入 dtype=torch.float32。",
    },
    "err_unused_input": {
        "en": "One of the tensors passed to autograd.grad was not used to compute the output, "
        "so it has no gradient. Pass allow_unused=True to get None for it.",
        "zh": "传给 autograd.grad 的某个张量没有参与输出的计算，因此没有梯度。"
        "传入 allow_unused=True 可以让它的结果为 None。",
    },
    # -- shape errors ------------------------------------------------------------------------
    "err_matmul_shapes": {
        "en": "Matrix multiplication needs the number of columns of the left matrix to equal the "
        "number of rows of the right one. Here the left is {left} ({left_cols} columns) and the right "
        "is {right} ({right_rows} rows). Check which tensor comes first, transpose one of them (.T), "
        "or reshape so that the two inner sizes match.",
        "zh": "矩阵乘法要求左边矩阵的列数等于右边矩阵的行数。这里左边是 {left}（{left_cols} 列），"
        "右边是 {right}（{right_rows} 行）。请检查两个张量的先后顺序，对其中一个转置（.T），"
        "或者改变形状，使中间的两个尺寸相等。",
    },
    "err_matvec_shapes": {
        "en": "A matrix times a vector needs the vector to have as many elements as the matrix has "
        "columns. The matrix is {mat} ({mat_cols} columns) but the vector has {vec} elements.",
        "zh": "矩阵乘以向量时，向量的元素个数必须等于矩阵的列数。这里矩阵是 {mat}（{mat_cols} 列），"
        "而向量有 {vec} 个元素。",
    },
    "err_dot_sizes": {
        "en": "torch.dot multiplies two vectors element by element and adds the products, so both "
        "must have the same length; here they have {a} and {b} elements.",
        "zh": "torch.dot 把两个向量逐个元素相乘再求和，因此两个向量的长度必须相同；这里它们分别有 {a} 和 {b} 个元素。",
    },
    "err_broadcast": {
        "en": "Element-wise operations line the two shapes up from the right, and each pair of sizes "
        "must be equal or one of them must be 1 (a size-1 dimension is stretched to fit). At "
        "dimension {dim} the sizes are {a} and {b}: they differ and neither is 1. Print both shapes "
        "(.shape) to see which is not what you meant; add a size-1 dimension with .unsqueeze() "
        "where you want one tensor repeated.",
        "zh": "逐元素运算会把两个形状从右往左对齐，每一对尺寸必须相等，或者其中一个为 1（尺寸为 1 的维度会被扩展）。"
        "在第 {dim} 维上，两个尺寸分别是 {a} 和 {b}：既不相等，也都不是 1。请打印两个张量的 .shape "
        "看看哪个不是你想要的；若想让某个张量重复，可用 .unsqueeze() 增加一个尺寸为 1 的维度。",
    },
    "err_view_size": {
        "en": "view() and reshape() only rearrange elements, so the new shape must hold exactly as "
        "many elements as the tensor has ({size}). The shape [{shape}] {holds}. Choose sizes whose "
        "product is {size}, or put -1 in one place to let PyTorch work that size out.",
        "zh": "view() 和 reshape() 只会重新排列元素，所以新形状容纳的元素个数必须与张量的元素个数（{size}）"
        "完全相同。形状 [{shape}] {holds_zh}。请选择乘积为 {size} 的尺寸，或在某一维写 -1，让 PyTorch 自动算出这一维。",
    },
    "err_expand": {
        "en": "expand() can only stretch dimensions of size 1 (or keep a size as it is); it never "
        "copies data to change a size. Dimension {dim} has size {existing}, which cannot become "
        "{target} (target shape [{target_sizes}], tensor shape [{sizes}]). Use .repeat() to copy "
        "data, or expand to a shape that keeps {existing} there.",
        "zh": "expand() 只能扩展尺寸为 1 的维度（或保持原尺寸不变），它不会复制数据来改变尺寸。"
        "第 {dim} 维的尺寸是 {existing}，不能变成 {target}（目标形状 [{target_sizes}]，张量形状 [{sizes}]）。"
        "若要复制数据请用 .repeat()，或者扩展到在这一维保持 {existing} 的形状。",
    },
    "err_cat_sizes": {
        "en": "torch.cat joins tensors along dimension {dim}, so in every other dimension their sizes "
        "must be equal. Tensor number {index} in the list has size {got} where the first tensor has "
        "size {expected}. Check the shapes, or join along another dimension (dim=...).",
        "zh": "torch.cat 沿第 {dim} 维拼接张量，因此其余每一维的尺寸都必须相同。列表中第 {index} 个张量"
        "（从 0 开始数）在某一维的尺寸是 {got}，而第一个张量是 {expected}。请检查形状，或换一个维度拼接（dim=...）。",
    },
}
