"""Tagging stage: a story of flowables with roles in; marked content and a PDF/UA structure tree out of the
same render; and a built PDF's structure read back and checked."""

from ._tagging import (PAINTING, Node, Tagger, accessibility_problems, artifact, artifact_page, canvas_maker,
                       check_accessibility, declare, marking_operators, mcid_texts, read_tree, xmp_packet)

__all__ = ["PAINTING", "Node", "Tagger", "accessibility_problems", "artifact", "artifact_page", "canvas_maker",
           "check_accessibility", "declare", "marking_operators", "mcid_texts", "read_tree", "xmp_packet"]
