"""The engine: Tensor, Node, PyTorch's backward order, the trace events it emits, the op table."""
