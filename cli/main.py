"""``mini-reasoner``: train, evaluate and ask the model; serve it through every front-end."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

from cli.bot import add_parser as add_bot_parser
from cli.options import add_recipe_argument, chosen_recipe
from cli.progress import training_bar
from cli.serve import add_parser as add_serve_parser
from cli.tui import add_parser as add_tui_parser
from engine import data
from engine.cache import Loaded, load_or_train
from engine.errors import EngineError
from engine.evaluation import evaluate
from engine.recipe import Recipe
from engine.service import Engine
from engine.settings import Settings

console = Console()
EVAL_SEED = 20_261_203  # differs from the seed of the set watched during training


def load_model(settings: Settings, recipe: Recipe, force: bool = False) -> Loaded:
    """The cached model, or a freshly trained one with a progress bar."""
    with training_bar(console) as on_progress:
        loaded = load_or_train(settings.cache_dir, recipe, force=force, on_progress=on_progress)
    where = loaded.path or "memory only (the cache folder could not be written)"
    verb = "loaded" if loaded.from_cache else "trained"
    console.print(f"{verb} model {loaded.checkpoint.key} in {loaded.seconds:.2f}s: {where}")
    return loaded


def cmd_train(args: argparse.Namespace, settings: Settings) -> int:
    load_model(settings, chosen_recipe(args, settings), force=args.force)
    return 0


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    recipe = chosen_recipe(args, settings)
    ckpt = load_model(settings, recipe).checkpoint
    examples = data.eval_set(EVAL_SEED, args.per_family, recipe.train.scope)
    with console.status(f"evaluating {len(examples)} held-out prompts"):
        report = evaluate(ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, examples)
    table = Table(title="accuracy on held-out phrasings")
    for column in ("family", "prompts", "accuracy", "target", ""):
        table.add_column(column)
    for group, count, accuracy, target in report.table():
        ok = accuracy >= target
        mark = "[green]ok" if ok else "[red]below target"
        table.add_row(group, str(count), f"{accuracy:.1%}", f"{target:.0%}", mark)
    console.print(table)
    if args.show_failures:
        for scored in report.failures(args.show_failures):
            console.print(f"[red]x[/] {scored.example.prompt!r} -> {scored.completion!r}")
    return 0 if report.meets_targets() else 1


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    engine = Engine.from_checkpoint(
        load_model(settings, chosen_recipe(args, settings)).checkpoint, settings
    )

    async def ask() -> str:
        try:
            return (await engine.complete(args.prompt)).text
        finally:
            await engine.close()

    try:
        console.print(asyncio.run(ask()), highlight=False)
    except EngineError as exc:
        console.print(f"[red]error:[/] {exc}")
        return 2
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mini-reasoner", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    train = sub.add_parser("train", help="train the model (or load it from the cache)")
    train.add_argument("--force", action="store_true", help="train again even if cached")
    train.set_defaults(run=cmd_train)
    ev = sub.add_parser("eval", help="accuracy per task family on held-out phrasings")
    ev.add_argument("--per-family", type=int, default=300, help="prompts per family")
    ev.add_argument("--show-failures", type=int, default=0, metavar="N", help="print N failures")
    ev.set_defaults(run=cmd_eval)
    ask = sub.add_parser("ask", help="answer one prompt")
    ask.add_argument("prompt")
    ask.set_defaults(run=cmd_ask)
    for command in (train, ev, ask):
        add_recipe_argument(command)
    add_serve_parser(sub)
    add_tui_parser(sub)
    add_bot_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = Settings()
    logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s: %(message)s")
    return int(args.run(args, settings))


if __name__ == "__main__":
    sys.exit(main())
