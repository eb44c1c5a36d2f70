import random

from engine import data, tokenizer
from engine.tokenizer import UNK_ID, Vocab


def test_split_folds_case_and_splits_digits_and_punctuation():
    assert tokenizer.split("What's  347+235?") == [
        "what",
        "'s",
        "3",
        "4",
        "7",
        "+",
        "2",
        "3",
        "5",
        "?",
    ]


def test_split_keeps_every_visible_character_and_drops_spaces():
    assert tokenizer.split("\t3.5 ×\n-2 😀") == ["3", ".", "5", "×", "-", "2", "😀"]


def test_unknown_words_map_to_unk():
    vocab = Vocab(["plus", "3"])
    assert vocab.encode(["3", "plus", "zebra"]) == [vocab.index["3"], vocab.index["plus"], UNK_ID]


def test_detokenize_inverts_split_on_every_kind_of_completion():
    rng = random.Random(0)
    for _ in range(3000):
        completion = data.sample_example(rng, data.TRAIN).completion
        assert tokenizer.detokenize(tokenizer.split(completion)) == completion


def test_pieces_concatenate_to_the_detokenized_text():
    tokens = tokenizer.split("first, 3 - 7 = -4. then -4 + 2 = -2. therefore the answer is -2.")
    assert "".join(tokenizer.piece(tokens, i) for i in range(len(tokens))) == tokenizer.detokenize(
        tokens
    )


def test_space_between_digits_keeps_numbers_apart():
    assert tokenizer.split("sort 5 3 9") == ["sort", "5", "␣", "3", "␣", "9"]
    assert tokenizer.split("539") == ["5", "3", "9"]
    assert tokenizer.split("12 plus 34") == ["1", "2", "plus", "3", "4"]
