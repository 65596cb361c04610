"""Drawing: the heavy code of each backend, imported only when that backend renders."""
