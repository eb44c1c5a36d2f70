"""A rich progress bar for training, fed by the engine's progress callback."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from engine.train import Progress as TrainProgress
from engine.train import ProgressCallback


@contextlib.contextmanager
def training_bar(console: Console) -> Iterator[ProgressCallback]:
    """Yield a callback that draws training progress: steps, loss, held-out accuracy, ETA.

    The bar appears with the first training step, so loading a cached model shows none.
    Where output is not a terminal (CI logs, files) a line per evaluation replaces the bar.
    """
    columns = (
        TextColumn("[bold]training"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("loss {task.fields[loss]}"),
        TextColumn("held-out {task.fields[accuracy]}"),
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
    )
    bar = Progress(*columns, console=console, transient=False)
    task = bar.add_task("train", total=None, loss="-", accuracy="-")

    def update(p: TrainProgress) -> None:
        if not console.is_terminal:
            if p.report is not None:
                console.print(
                    f"training: step {p.step}/{p.max_steps}, loss {p.loss:.3f}, "
                    f"held-out {p.report.overall:.1%}, {p.elapsed:.0f}s, eta {p.eta_seconds:.0f}s"
                )
            return
        if p.step == 1:
            bar.start()
        fields = {"loss": f"{p.loss:.3f}"}
        if p.report is not None:
            fields["accuracy"] = f"{p.report.overall:.1%}"
        bar.update(task, completed=p.step, total=p.max_steps, **fields)

    try:
        yield update
    finally:
        if bar.live.is_started:
            bar.stop()
