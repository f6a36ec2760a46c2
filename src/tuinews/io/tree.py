"""Small operations on lxml trees that the cleaning passes share."""

from __future__ import annotations

import lxml.html
from lxml import etree


def attached(el: etree._Element, root: etree._Element) -> bool:
    """False for an element inside a subtree dropped earlier in this pass."""
    top = el
    for top in el.iterancestors():  # noqa: B007 - the loop finds the topmost ancestor
        pass
    return top is root


def drop(el: etree._Element) -> None:
    """Remove an element but keep its tail text in place."""
    if isinstance(el, lxml.html.HtmlElement):
        el.drop_tree()
        return
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)
