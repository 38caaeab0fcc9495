"""The language layer of the runner's defence: learner code is ordinary Python, with gradviz's
internals, the interpreter's internals and raw memory kept out of reach.

The wall that holds is the operating system's (runner/containment: no files, processes or
network for the worker). Inside it this layer keeps what a contained process could still do
wrong: build numpy arrays over raw addresses (a crash at best), walk frames and module globals
into the runner, or reach the interpreter's real builtins. Everything else runs as in Python.

compile.py    front door: parse, check, rewrite, compile one cell
policy.py     compile time: the few names and forms refused outright
transform.py  the rewrite: attribute access, imports, ticks and spans through the runtime
runtime.py    the namespace's builtins and the helpers the rewritten code calls
guard.py      what an attribute read or write, type() and vars() hand to learner code
checked.py    callables handed out checked (str.format, ndarray.resize, object.__setattr__ ...)
standins.py   what learner code holds in place of type, metaclasses, ndarray, memoryview, Enum
classes.py    the rules every class learner code makes follows (sealing)
owners.py     whose object is this: the learner's, the engine's, the runner's
names.py      the names refused or treated specially, in one table
modules.py    the importer (torch, numpy, the standard modules; refusals with the reason)
safe_numpy.py numpy without file or raw-memory entry points; stdlib.py the standard modules
proxy.py      module proxies; sizes.py size checks before Python allocates
"""
