"""The booklet imposed while ReportLab writes the one render: each page the layout finishes is kept instead of
written, and when the document is saved the kept pages are written two-up on sheets twice the page width,
in printer spreads (booklet_sides). No second reading of the PDF, so a booklet build never imports pypdf.

Each half of a sheet is the page's own content, shifted and clipped to its half (as pypdf's imposition wrote
it before); a ReportLab document shares one set of fonts, so the halves need no renaming. Imposition
flattens the pages, so the press copy has no bookmarks, links or form fields: the layout's calls that make
them are turned into no-ops on the booklet's canvas (a file that only goes to a press needs none of them),
and a checkbox draws only what it draws on the page itself.
"""

from __future__ import annotations


def booklet_sides(pages: int) -> list[tuple[int, int]]:
    """Page numbers (left, right) on each sheet side, in print order: outside of the first
    sheet, its inside, then the next sheet. 16 pages: (16, 1), (2, 15), (14, 3), (4, 13), ..."""
    if pages <= 0 or pages % 4:
        raise ValueError(f"a saddle-stitched booklet needs a multiple of 4 pages, not {pages}")
    sides = []
    for i in range(pages // 2):
        low, high = i + 1, pages - i
        # the outer side of a sheet has the higher page on the left; the inner side the lower
        sides.append((high, low) if i % 2 == 0 else (low, high))
    return sides


def _nothing(*args, **kwargs) -> None:
    return None


class _Nowhere:
    """What a field's parts are filed under when they are filed nowhere (written as null if ever written)."""

    def format(self, document) -> bytes:
        return b"null"


def _printed_form(canv):
    """The booklet canvas's AcroForm: a checkbox draws on the page what it draws there anyway (its forced
    border), and neither its field, its widget nor its appearance streams are added to the document."""
    from reportlab.pdfbase.acroform import AcroForm

    class PrintedForm(AcroForm):
        def getRef(self, obj):
            return _Nowhere()

    return PrintedForm(canv)


class BookletSheets:
    """A press for layout.render: the pages of the render imposed on sheets as the document is saved."""

    def __init__(self, width: float, height: float) -> None:
        self.width, self.height = width, height

    def start(self, canv) -> None:
        for name in ("bookmarkPage", "addOutlineEntry", "linkRect", "linkURL", "linkAbsolute", "_addAnnotation"):
            setattr(canv, name, _nothing)
        canv.AcroForm = _printed_form(canv)   # not in the catalog: the booklet has no form
        doc = canv._doc
        pages: list = []
        add_page, save = doc.addPage, doc.SaveToFile

        def keep(page) -> None:
            pages.append(page)

        def save_sheets(filename, canvas) -> None:
            if len(pages) % 4:   # not a booklet's count: written as pages, and render_print refuses it
                for page in pages:
                    add_page(page)
            else:
                for left, right in booklet_sides(len(pages)):
                    add_page(self.sheet(pages[left - 1], pages[right - 1]))
            save(filename, canvas)

        doc.addPage, doc.SaveToFile = keep, save_sheets

    def finish_page(self, canv) -> None:
        pass

    def sheet(self, left, right):
        """One sheet side: the two pages' streams side by side, their resources merged."""
        from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFPage, PDFStream, PDFZCompress

        w, h = self.width, self.height
        sheet = PDFPage()
        sheet.pagewidth, sheet.pageheight = 2 * w, h
        sheet.hasImages = left.hasImages or right.hasImages
        sheet.Trans = left.Trans
        # deflated only (the render's ASCII85 layer on top makes a sheet a quarter larger; a press needs none)
        sheet.Contents = PDFStream(content="".join("q 1 0 0 1 %.4f 0 cm 0 0 %.4f %.4f re W n\n%sQ\n"
                                                   % (dx, w, h, page.stream) for page, dx in ((left, 0.0), (right, w))),
                                   filters=[PDFZCompress] if left.compression else None)
        for key in ("XObjects", "ExtGState"):
            both = [getattr(p, key) for p in (left, right) if getattr(p, key, None) is not None]
            setattr(sheet, key, PDFDictionary({k: v for d in both for k, v in d.dict.items()}) if both else None)
        sheet._colorsUsed = {**left._colorsUsed, **right._colorsUsed}
        sheet._shadingUsed = {**left._shadingUsed, **right._shadingUsed}
        return sheet
