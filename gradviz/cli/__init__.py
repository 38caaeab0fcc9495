"""The ``gradviz`` command: one module per subcommand."""
