"""One layout pass: the planning pass's page map, in-process seeds, and a wrong seed that costs a pass, not a number."""

from __future__ import annotations

import pytest
from msgspec.structs import replace

from guide.content import BuildOptions
from guide.layout import PageMap, make_theme, plan_pages, render_counted
from guide.layout import _passes

EDITIONS = [BuildOptions(), BuildOptions(large_print=True),
            BuildOptions(large_print=True, paper="a4", sections=("symptoms", "chemotherapy", "next-steps"))]


def _theme(guide, options):
    return make_theme(guide.brand, options.paper, options.large_print, cmyk=options.cmyk)


def _selected(guide, options):
    from guide.content import select_sections

    return select_sections(guide, options.sections)


@pytest.mark.parametrize("options", EDITIONS, ids=["default", "large-print", "a4-three-sections"])
def test_planned_seed_gives_one_pass_and_the_two_pass_bytes(guide_model, options):
    guide = _selected(guide_model, options)
    theme = _theme(guide, options)
    _passes.SEEDS.clear()
    planned, planned_map, passes = render_counted(guide, theme, options)
    assert passes == 1
    # an empty seed is what multiBuild started from before: two full passes
    unseeded, unseeded_map, unseeded_passes = render_counted(guide, theme, options, seed=PageMap((), 0))
    assert unseeded_passes == 2
    assert planned == unseeded
    assert planned_map == unseeded_map == plan_pages(guide, theme, options)


def test_a_wrong_seed_costs_a_pass_and_never_a_wrong_number(guide_model):
    options = BuildOptions()
    theme = _theme(guide_model, options)
    right, right_map, _ = render_counted(guide_model, theme, options)
    wrong = PageMap(tuple((key, page + 1) for key, page in right_map.pages), right_map.total + 1)
    pdf, got_map, passes = render_counted(guide_model, theme, options, seed=wrong)
    assert passes == 2
    assert (pdf, got_map) == (right, right_map)


def test_a_second_render_in_the_process_is_seeded_from_the_first(guide_model, monkeypatch):
    from guide.layout import _document

    options = BuildOptions(large_print=True)
    theme = _theme(guide_model, options)
    _passes.SEEDS.clear()
    render_counted(guide_model, theme, options)
    assert len(_passes.SEEDS) == 1
    planned = []
    monkeypatch.setattr(_document, "plan_pass", lambda *args: planned.append(args))
    _, _, passes = render_counted(guide_model, theme, options)
    assert passes == 1 and planned == []  # no planning pass: the story is placed and drawn once


def test_a_guide_without_a_content_hash_is_never_seeded_from_memory(guide_model):
    options = BuildOptions()
    guide = replace(guide_model, content_sha256=None)
    _passes.SEEDS.clear()
    render_counted(guide, _theme(guide, options), options)
    assert _passes.SEEDS == {}


EVEN = EDITIONS + [BuildOptions(paper="a4"), BuildOptions(large_print=True, paper="a4"),
                   BuildOptions(sections=("symptoms",))]


@pytest.mark.parametrize("options", EVEN, ids=["default", "large-print", "a4-three-sections", "a4", "large-print-a4",
                                               "one-section"])
def test_an_even_render_lays_out_once_cold_and_seeded_and_gives_the_same_bytes(guide_model, options):
    """The spare Notes page is decided by the planning pass (or this process's last render): never a
    second layout pass, an even count every time, and the bytes of a render told the page count."""
    from guide.layout import _document, even_pages, render

    guide = _selected(guide_model, options)
    theme = _theme(guide, options)
    _passes.SEEDS.clear()
    _document.SPARE.clear()
    cold, cold_map, cold_passes = render_counted(guide, theme, options, multiple=2)
    warm, warm_map, warm_passes = render_counted(guide, theme, options, multiple=2)
    assert (cold_passes, warm_passes) == (1, 1) and cold_map.total % 2 == 0
    assert cold == warm and cold_map == warm_map
    padded, seed = even_pages(guide, theme, options)
    assert render(guide, theme, padded, seed=seed) == (cold, cold_map.total)
