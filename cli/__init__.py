"""The ``mini-reasoner`` command: the one place that wires the engine to its front-ends."""
