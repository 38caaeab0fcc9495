"""PyTorch's CPU random number generator, bit for bit, over numpy."""
