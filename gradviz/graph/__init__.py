"""The autograd graph as plain data (a multigraph) and its layered layout."""
