"""guide: YAML content in, a printable, tagged patient-guide PDF out (and letters, packets, checks).

The stages, each a sub-package, in the order the data flows:
content (load, validate, model) -> layout (theme, story, render) -> tagging (structure of the render)
-> pdf (write, print shop, join) -> mail (letters, packets) and verify (read back, check);
build.py runs the pipeline and cli/ is the command line.
"""
