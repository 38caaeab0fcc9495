"""The language layer of the runner's defence: what learner code may name, import and touch."""
