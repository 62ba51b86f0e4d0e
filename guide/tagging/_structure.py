"""Roles declared in; structure elements (Node) and the Structure (tree, link targets, document facts) out."""

from __future__ import annotations

# The role of drawing that is decoration, not content: drawn inside /Artifact BMC ... EMC, never in the tree.
ARTIFACT = "Artifact"


class Node:
    """One structure element as declared: its standard type, attributes and children."""

    __slots__ = ("role", "attrs", "parent", "children")

    def __init__(self, role: str, parent: Node | None = None, attrs: dict | None = None):
        self.role, self.parent, self.attrs = role, parent, attrs or {}
        self.children: list[Node] = []

    def add(self, role: str, **attrs) -> Node:
        child = Node(role, self, attrs)
        self.children.append(child)
        return child

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"<Node {self.role} ({len(self.children)} children)>"


class Structure:
    """What the walk over the story found: the element tree, link targets and document facts."""

    def __init__(self, root: Node, targets: dict[str, str], meta: dict[str, str]):
        self.root, self.targets, self.meta = root, targets, meta
