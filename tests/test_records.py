"""The records (msgspec Structs): immutable where frozen, hashable where they hold dicts, picklable, and a repr
that run keys and seed keys can hash."""

from __future__ import annotations

import pickle

import pytest

from guide.content import BuildOptions, locale_for
from guide.layout import make_theme
from guide.mail import LetterRecipient


def test_a_frozen_record_cannot_be_changed(guide_model):
    with pytest.raises(AttributeError):
        guide_model.title = "Another title"
    with pytest.raises(AttributeError):
        BuildOptions().paper = "a4"


def test_records_holding_dicts_still_hash_and_equal_ones_hash_alike(guide_model):
    copy = pickle.loads(pickle.dumps(guide_model))   # as a worker process receives it
    assert copy == guide_model and copy is not guide_model
    assert hash(copy) == hash(guide_model)           # through the Brand, whose colours are a dict
    assert hash(locale_for("es-US")) == hash(locale_for("es-US"))
    # two themes of one edition are equal though each has its own ParagraphStyles
    one, two = (make_theme(guide_model.brand, "a4", True) for _ in range(2))
    assert one.styles["body"] is not two.styles["body"]
    assert one == two and hash(one) == hash(two)
    assert one != make_theme(guide_model.brand, "letter", True)


def test_the_repr_that_run_keys_hash_keeps_its_form():
    """A packet run's key and each row's fingerprint are SHA-256 of these reprs: a change of form would
    start every unfinished run again instead of resuming it."""
    assert repr(BuildOptions(paper="a4", sections=("symptoms",))) == (
        "BuildOptions(paper='a4', large_print=False, sections=('symptoms',), prepared_for=None, advocate=None, "
        "print_mode=None, cmyk=False, notes_pages=0, note=None)")
    assert repr(LetterRecipient("Ann", ("ANN", "1 MAIN ST"))) == (
        "LetterRecipient(name='Ann', block=('ANN', '1 MAIN ST'), signer=None, imb=None)")
