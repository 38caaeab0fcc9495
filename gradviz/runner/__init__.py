"""Running learners' code: cells, the session, the contained worker process, limits and results."""
