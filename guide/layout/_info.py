"""A build record (JSON text) in; ReportLab's document info dictionary with a /GuideBuild entry added out."""

from __future__ import annotations

from reportlab.pdfbase.pdfdoc import PDFDate, PDFDictionary, PDFInfo, PDFName, PDFString


class BuildInfo(PDFInfo):
    """PDFInfo writes a fixed set of keys; this one also writes the build record (see content._record).

    The keys and their order are ReportLab 5.1's own, so an info dictionary differs only by the new key.
    """

    build = ""

    def format(self, document):
        d = {"Title": PDFString(self.title), "Author": PDFString(self.author)}
        d["ModDate"] = d["CreationDate"] = PDFDate(ts=document._timeStamp, dateFormatter=self._dateFormatter)
        d["Producer"] = PDFString(self.producer)
        d["Creator"] = PDFString(self.creator)
        d["Subject"] = PDFString(self.subject)
        d["Keywords"] = PDFString(self.keywords)
        d["Trapped"] = PDFName(self.trapped)
        if self.build:
            d["GuideBuild"] = PDFString(self.build)  # ASCII JSON; PDFString escapes ( ) and \
        return PDFDictionary(d).format(document)


def record_build(canv, record: str) -> None:
    """Give a canvas's document an info dictionary that carries ``record``."""
    info = BuildInfo()
    info.__dict__.update(canv._doc.info.__dict__)
    info.build = record
    canv._doc.info = info
