"""Long lists (the agenda, the sources) are sized by bisection: few sizes set, the same choice."""

from __future__ import annotations

import math

from alliancedeck.api import prepare
from alliancedeck.compose import deck as deck_module
from alliancedeck.compose.text import sizes_between
from alliancedeck.fonts import font_book
from conftest import REPO, write_brief


def _many_sections(count: int) -> str:
    sections = "".join(
        f"  - title: Notional section {n} on regional readiness and host-nation support\n"
        f"    points:\n      - A notional point of section {n}.\n"
        f"    sources:\n      - A notional source of section {n}, a report with a long title\n"
        for n in range(1, count + 1)
    )
    return f"meta:\n  title: A notional brief of many sections\nsections:\n{sections}"


def test_agenda_and_sources_take_the_largest_size_with_fewest_slides_by_bisection(
    tmp_path, monkeypatch
):
    # Many sizes to choose from: body type from 24 down to 12 pt, sources from 16 to 8 pt.
    (tmp_path / "layouts").mkdir()
    design = (REPO / "src" / "alliancedeck" / "layouts" / "default.yaml").read_text("utf-8")
    body = "  body:         {font: sans, style: regular, size: 20, min: 18,"
    source = "  source:       {font: sans, style: regular, size: 14, min: 14,"
    assert body in design and source in design
    design = design.replace(body, body.replace("20, min: 18", "24, min: 12"))
    design = design.replace(source, source.replace("14, min: 14", "16, min: 8"))
    (tmp_path / "layouts" / "many.yaml").write_text(design, encoding="utf-8")
    text = _many_sections(60).replace("meta:\n", "meta:\n  layout: many\n", 1)
    # And one section that needs two slides at the largest size, one at a smaller size.
    point = "A notional point on readiness, logistics and host-nation support in the region"
    text += "  - title: A notional longer section\n    points:\n"
    text += "".join(f"      - {point}, part {n}.\n" for n in range(1, 9))
    prepared = prepare(write_brief(tmp_path, text))
    builder_class = deck_module.DeckBuilder
    flow, paginate = builder_class.flow, builder_class.paginate
    checked = []

    def measured_paginate(self, items, regions, role="body"):
        asked = []

        def counted_flow(builder, items, regions, size, role="body"):
            asked.append(size)
            return flow(builder, items, regions, size, role)

        monkeypatch.setattr(builder_class, "flow", counted_flow)
        chosen = paginate(self, items, regions, role)
        monkeypatch.setattr(builder_class, "flow", flow)
        sizes = sizes_between(self.setter.style(role))
        every = [flow(self, items, regions, size, role) for size in sizes]
        fewest = min(len(pages) for pages in every)
        expected = next(pages for pages in every if len(pages) == fewest)  # the largest size
        checked.append((role, len(items), len(sizes), asked, chosen == expected, len(every[0])))
        return chosen

    monkeypatch.setattr(builder_class, "paginate", measured_paginate)
    deck_module.compose_deck(prepared.doc, prepared.theme, font_book(prepared.theme, tmp_path))
    assert all(same for *_, same, _largest in checked)  # sections too: the same choice
    # What fits one slide at the largest size (every section here) is set at that size only.
    one_slide = [c for c in checked if c[5] == 1]
    assert len(one_slide) >= 60
    # The longer section: two slides at the largest size, one at the size chosen.
    assert any(c[5] == 2 and c[4] and len(c[3]) > 2 for c in checked if c[0] == "body")
    assert all(len(asked) == 1 for _role, _items, _sizes, asked, *_ in one_slide)
    long_lists = [c for c in checked if c[1] >= 60]
    assert {role for role, *_ in long_lists} == {"body", "source"}  # the agenda, the sources
    for role, _items, sizes, asked, same, _largest in long_lists:
        assert same, role
        # The smallest size, the largest, then halving what is left: never every size.
        assert sizes >= 9
        assert len(asked) <= 2 + math.ceil(math.log2(sizes - 1)) < sizes, (role, sizes, asked)
