"""A drawn letter's tagger records and element tree in; its elements as LetterTags.elements out (and the
letter's reference cycles undone)."""

from __future__ import annotations

from ..errors import LayoutError
from ..tagging import Node, Tagger


def letter_elements(tagger: Tagger, root: Node, first_page: int) -> tuple:
    """The letter's elements under its Document, in reading order (= drawing order), as
    LetterTags.elements: (role, parent index or -1, kids), a kid being a child's index or a
    (page within the letter, MCID) pair. Elements that drew nothing are left out.

    The walks are module functions, not nested ones: a nested function that calls itself is a
    reference cycle, which kept each letter's tagger and tree alive until a garbage collection."""
    ordered: dict[int, list] = {}
    first: dict[int, int] = {}
    elements: list = []
    if _visit(root, tagger.content, first_page, ordered, first):
        for _, x in ordered[id(root)]:
            if not isinstance(x, Node):
                raise LayoutError("letter content was marked for the document itself, not an element")
            _register(x, -1, ordered, elements)
    return tuple(elements)


def _visit(node: Node, content: dict, first_page: int, ordered: dict[int, list], first: dict[int, int]) -> bool:
    """Order ``node``'s marked content and drawn children by drawing sequence; whether it drew anything."""
    items = []
    for seq, page, what in content.get(id(node), ()):
        if not isinstance(what, int):
            raise LayoutError("a letter cannot carry links or form fields")
        items.append((seq, (page - first_page, what)))
    for child in node.children:
        if _visit(child, content, first_page, ordered, first):
            items.append((first[id(child)], child))
    if not items:
        return False
    items.sort(key=_seq)
    ordered[id(node)] = items
    first[id(node)] = items[0][0]
    return True


def _release(tagger: Tagger, root: Node) -> None:
    """Undo the letter's reference cycles once its elements are read: the element tree's parent and
    child links, and the tagger's records (its text objects refer back to it). Each letter's tree,
    tagger and drawing state are then freed at once instead of waiting for the cyclic collector,
    which went through some 200 objects a letter (a fifth of a 10,000-packet run)."""
    todo = [root]
    while todo:
        node = todo.pop()
        todo.extend(node.children)
        node.children = []
        node.parent = None
    vars(tagger).clear()


def _seq(item: tuple) -> int:
    return item[0]


def _register(node: Node, parent: int, ordered: dict[int, list], elements: list) -> int:
    index = len(elements)
    elements.append(None)
    kids = tuple(_register(x, index, ordered, elements) if isinstance(x, Node) else x for _, x in ordered[id(node)])
    elements[index] = (node.role, parent, kids)
    return index
