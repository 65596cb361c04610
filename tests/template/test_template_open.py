"""What the deck writer builds on: a template with its sample slides gone, a layout per role."""

from __future__ import annotations

import subprocess
import zipfile

import pytest
import template_files
from template_files import without_layouts

from alliancedeck.errors import ContentError, Location
from alliancedeck.template import open_template
from alliancedeck.template.roles import ROLES

libreoffice_templates = template_files.libreoffice_templates  # the session's fixture
templates = template_files.templates  # the session's fixture


def test_the_sample_slides_go_and_every_layout_stays(libreoffice_templates, tmp_path):
    from pptx import Presentation

    from external import require

    path = libreoffice_templates["Vivid"]
    shipped = Presentation(path)
    assert len(shipped.slides) > 0
    template = open_template(path, band=18.0)
    prs = template.new_presentation()
    assert len(prs.slides) == 0
    for role in ROLES:
        layout = template.layout_for(prs, role)
        assert layout.name == template.roles.choices[role].layout.name
        prs.slides.add_slide(layout)
    out = tmp_path / "deck.pptx"
    prs.save(out)
    with zipfile.ZipFile(out) as archive:
        slides = [n for n in archive.namelist() if n.startswith("ppt/slides/slide")]
    assert len(slides) == len(ROLES)  # the template's own slides are not in the package
    reread = Presentation(out)
    assert [s.slide_layout.name for s in reread.slides] == [
        template.roles.choices[role].layout.name for role in ROLES
    ]
    assert sum(len(m.slide_layouts) for m in reread.slide_masters) == len(template.info.layouts)
    result = subprocess.run(
        [require("ooxml-check"), str(out)], capture_output=True, text=True, timeout=240
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_missing_role_is_an_error_where_the_template_was_named(templates, tmp_path):
    path = without_layouts(templates / "default.pptx", tmp_path / "org.pptx", {"Two Content"})
    with pytest.raises(ContentError) as caught:
        open_template(path, Location("layouts/org.yaml", 3, 13))
    (problem,) = caught.value.problems
    assert str(problem).startswith(
        f'layouts/org.yaml:3:13: template "{path}": no layout fits the two_content role'
    )
    template = open_template(path, overrides={"two_content": "Comparison"})
    assert template.roles.choices["two_content"].layout.name == "Comparison"
