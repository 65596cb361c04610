"""Read a tagged PDF back: its marked content per page and its structure tree in order."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

#: Operators that paint: text showing, path painting, shadings, XObjects and inline images.
PAINTING = {
    "Tj",
    "TJ",
    "'",
    '"',
    "S",
    "s",
    "f",
    "F",
    "f*",
    "B",
    "B*",
    "b",
    "b*",
    "sh",
    "Do",
    "INLINE IMAGE",
}


@dataclass
class PageMarks:
    """What one page's content stream marks: MCIDs in order, and painting outside any mark."""

    mcids: list[int] = field(default_factory=list)
    unmarked: list[str] = field(default_factory=list)  # painting operators outside marks
    mcid_in_artifact: int = 0  # MCIDs opened inside an artifact (never allowed)
    unbalanced: bool = False


def page_marks(page: pikepdf.Page) -> PageMarks:
    """Walk `page`'s content stream and return what it marks."""
    found = PageMarks()
    stack: list[str] = []  # "artifact", "mcid" or "other" per open marked sequence
    for operands, operator in pikepdf.parse_content_stream(page):
        name = str(operator)
        if name in {"BDC", "BMC"}:
            tag = str(operands[0])
            properties = operands[1] if name == "BDC" else None
            if tag == "/Artifact":
                stack.append("artifact")
            elif isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties:
                if "artifact" in stack:
                    found.mcid_in_artifact += 1
                found.mcids.append(int(properties.MCID))
                stack.append("mcid")
            else:
                stack.append("other")
        elif name == "EMC":
            if not stack:
                found.unbalanced = True
            else:
                stack.pop()
        elif name in PAINTING and not ({"artifact", "mcid"} & set(stack)):
            found.unmarked.append(name)
    found.unbalanced = found.unbalanced or bool(stack)
    return found


@dataclass
class Node:
    """A structure element read back: type, attributes, kids and its marked content."""

    kind: str
    obj: pikepdf.Dictionary
    kids: list[Node]
    marks: list[tuple[int, int]]  # (page index, MCID)
    annotations: list[pikepdf.Dictionary]

    def walk(self) -> list[Node]:
        """Return this node and every node under it, depth first (reading order)."""
        return [self, *(n for kid in self.kids for n in kid.walk())]


def structure(pdf: pikepdf.Pdf) -> Node:
    """Return the structure tree of `pdf` under its StructTreeRoot, as Nodes."""
    pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}

    def read(obj: pikepdf.Dictionary, home: int | None) -> Node:
        if "/Pg" in obj:
            home = pages[obj.Pg.objgen]
        node = Node(str(obj.get("/S", "/StructTreeRoot"))[1:], obj, [], [], [])
        kids = obj.get("/K")
        if kids is None:
            return node
        if not isinstance(kids, pikepdf.Array):
            kids = [kids]
        for kid in kids:
            if isinstance(kid, int):
                assert home is not None, f"{node.kind}: an MCID with no page"
                node.marks.append((home, int(kid)))
            elif kid.get("/Type") == "/MCR":
                node.marks.append((pages[kid.Pg.objgen], int(kid.MCID)))
            elif kid.get("/Type") == "/OBJR":
                node.annotations.append(kid.Obj)
            else:
                node.kids.append(read(kid, home))
        return node

    return read(pdf.Root.StructTreeRoot, None)


def parent_tree(pdf: pikepdf.Pdf) -> dict[int, object]:
    """Return the ParentTree as {key: element or array of elements} (a flat /Nums tree)."""
    numbers = pdf.Root.StructTreeRoot.ParentTree.Nums
    return {int(numbers[i]): numbers[i + 1] for i in range(0, len(numbers), 2)}


def open_pdf(path: Path) -> pikepdf.Pdf:
    """Return `path` opened with pikepdf."""
    return pikepdf.open(path)


def outloud(*arguments: str) -> subprocess.CompletedProcess[str]:
    """Run the PDF/UA checker `outloud` (installed with the tests, beside this Python)."""
    checker = Path(sys.executable).with_name("outloud")
    return subprocess.run(
        [str(checker), *arguments], capture_output=True, text=True, check=False, timeout=600
    )
