"""Compile a Typst file to PDF with the typst Python binding: typst_compile.py IN OUT FONTS."""

import sys

import typst

typst.compile(sys.argv[1], output=sys.argv[2], font_paths=sys.argv[3:], ignore_system_fonts=True)
