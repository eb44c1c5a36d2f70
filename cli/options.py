"""Command-line options every command shares."""

from __future__ import annotations

import argparse

from engine.recipe import RECIPES, Recipe
from engine.settings import Settings


def add_recipe_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--recipe",
        choices=sorted(RECIPES),
        help="model: default (every task family) or small (the seed's one-digit tasks only, "
        "quick to train, for demos and tests); default: MINI_REASONER_RECIPE, else default",
    )


def chosen_recipe(args: argparse.Namespace, settings: Settings) -> Recipe:
    """The recipe ``--recipe`` names (else MINI_REASONER_RECIPE), with the configured seed."""
    return seeded_recipe(recipe_name(args, settings), settings)


def seeded_recipe(name: str, settings: Settings) -> Recipe:
    return RECIPES[name].with_seed(settings.seed)


def recipe_name(args: argparse.Namespace, settings: Settings) -> str:
    return args.recipe or settings.recipe
