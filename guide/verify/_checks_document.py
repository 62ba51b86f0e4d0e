"""An Inspection in; checks of the document as a whole out: file, pages, covers, bookmarks, contents, rebuild."""

from __future__ import annotations

import math
import re

from ._expect import expected_page_range, review_texts, words
from ._inspect import Inspection
from ._pdffile import Run, flat_outline, squash
from ._report import Check, _joined, _pages_label, short


def check_file(ins: Inspection) -> Check:
    """PDF header, end-of-file marker, and every cross-reference entry pointing at its object."""
    data = ins.pdf
    problems: list[str] = []
    if not data.startswith(b"%PDF-"):
        problems.append("no %PDF- header")
    tail = data[-2048:]
    if b"%%EOF" not in tail:
        problems.append("no %%EOF marker at the end (truncated?)")
    found = re.findall(rb"startxref\s+(\d+)", tail)
    if not found:
        problems.append("no startxref")
    else:
        problems += _xref_problems(data, int(found[-1]))
    changed = _changed_after_build(data)
    if changed:
        problems.insert(0, f"the file was changed after it was built: {changed}")
    reader = ins.reader
    if reader is None:
        problems.append(f"pypdf cannot open it ({ins.open_error})")
    elif ins.pdf_warnings:
        problems.append(f"pypdf had to repair it: {short(ins.pdf_warnings[0], 120)}")
    if problems:
        return Check("file", False, _joined(problems, 4))
    version = data[5:8].decode("ascii", "replace")
    kind = "table" if data.startswith(b"xref", int(found[-1])) else "stream"  # what startxref points at
    return Check("file", True, f"PDF {version}, {len(data):,} bytes, {ins.n} pages; cross-reference {kind} sound")


def _changed_after_build(data: bytes) -> str | None:
    """Bytes after the last %%EOF, or an incremental update (a second revision: how a PDF is altered after
    it is signed). Our builds are written whole, once: one revision, nothing after its end-of-file marker."""
    eof = data.rfind(b"%%EOF")
    if eof < 0:
        return None
    extra = len(data[eof + 5:].strip(b"\r\n\t\f\0 "))
    if extra:
        return f"{extra:,} bytes follow its end-of-file marker"
    revisions = data.count(b"%%EOF")
    last = data.rfind(b"startxref")
    trailer = data[max(0, data.rfind(b"trailer", 0, last)):last] if last > 0 else b""
    found = re.match(rb"startxref\s+(\d+)", data[last:]) if last > 0 else None
    at = int(found.group(1)) if found else -1
    if at >= 0 and re.match(rb"\d+\s+\d+\s+obj", data[at:at + 32]):
        # a cross-reference stream (packets): its dictionary holds the trailer keys
        end = data.find(b"stream", at, last)
        trailer = data[at:end if end > 0 else last]
    if revisions > 1 or b"/Prev" in trailer:
        return f"an incremental update was appended ({max(revisions, 2)} revisions)"
    return None


OBJ_HEADER = re.compile(rb"(\d+)\s+(\d+)\s+obj\b")


def _xref_problems(data: bytes, start: int) -> list[str]:
    problems: list[str] = []
    seen: set[int] = set()
    entries = 0
    while start not in seen:
        seen.add(start)
        if start >= len(data):
            return problems + [f"startxref points past the end of the file (byte {start})"]
        head = data[start:start + 64]
        if re.match(rb"\d+\s+\d+\s+obj", head):
            return problems  # a cross-reference stream: pypdf's strict reading stands in for this check
        if not head.startswith(b"xref"):
            return problems + [f"startxref points at byte {start}, where no cross-reference table starts"]
        end = data.find(b"trailer", start)
        if end < 0:
            return problems + ["cross-reference table without a trailer"]
        tokens = data[start + 4:end].split()
        j = 0
        try:
            while j < len(tokens):
                first, count = int(tokens[j]), int(tokens[j + 1])
                j += 2
                for num in range(first, first + count):
                    offset, gen, kind = int(tokens[j]), int(tokens[j + 1]), tokens[j + 2]
                    j += 3
                    if kind != b"n":
                        continue
                    entries += 1
                    at = OBJ_HEADER.match(data, offset)
                    if at is None or (int(at.group(1)), int(at.group(2))) != (num, gen):
                        problems.append(f"object {num} is not at byte {offset} where the table says")
        except (ValueError, IndexError):
            return problems + ["cross-reference table cannot be parsed"]
        prev = re.search(rb"/Prev\s+(\d+)", data[end:end + 2048].split(b"startxref")[0])
        if prev is None:
            break
        start = int(prev.group(1))
    if entries == 0:
        problems.append("cross-reference table lists no objects")
    return problems


def check_page_size(ins: Inspection) -> Check:
    """Every page's trim box is the edition's paper; without print marks the media box is the trim box."""
    from ..layout import PAPERS

    w, h = PAPERS[ins.options.paper]
    booklet = ins.options.print_mode == "booklet"
    if booklet:
        w *= 2  # two pages side by side on each sheet
    wrong: list[str] = []
    for i, page in enumerate(ins.pages):
        trim, media = page.trimbox, page.mediabox
        tw, th = float(trim.width), float(trim.height)
        inside = (media.left <= trim.left and media.bottom <= trim.bottom
                  and media.right >= trim.right and media.top >= trim.top)
        if abs(tw - w) > 0.5 or abs(th - h) > 0.5:
            wrong.append(f"page {i + 1} is {tw:g}\u00d7{th:g} pt")
        elif (page.get("/Rotate") or 0) % 360:
            wrong.append(f"page {i + 1} is rotated {page.get('/Rotate')}\u00b0")
        elif not inside:
            wrong.append(f"page {i + 1}: the trim box is not inside the media box")
        elif ins.options.print_mode is None and [float(v) for v in media] != [float(v) for v in trim]:
            wrong.append(f"page {i + 1} has a media box ({float(media.width):g}\u00d7{float(media.height):g}) "
                         "beyond its trim box")
    paper = f"{w:g}\u00d7{h:g} pt ({ins.options.paper}{' sheets' if booklet else ''})"
    if wrong:
        return Check("page-size", False, f"expected {paper}: " + "; ".join(wrong[:3])
                     + (f" (+{len(wrong) - 3} more pages)" if len(wrong) > 3 else ""))
    return Check("page-size", True, f"all {ins.n} pages {paper}")


def check_page_count(ins: Inspection) -> Check:
    low, high = expected_page_range(ins.guide, ins.theme, ins.options)
    noun = "pages"
    if ins.options.print_mode == "booklet":
        # padded to a multiple of four pages, two pages on each sheet side
        low, high, noun = math.ceil(low / 4) * 2, math.ceil(high / 4) * 2, "sheet sides"
    ok = low <= ins.n <= high
    return Check("page-count", ok, f"{ins.n} {noun}, expected {low}\u2013{high} for this content and edition")


def check_covers(ins: Inspection) -> Check:
    """Cover: brand, title, subtitle, edition, and 'Prepared for' exactly when the copy is named.

    Back cover: the author line; the advocate's contact (in the back matter) exactly when given.
    """
    from ..layout import translation_about, translation_notice

    g, opts = ins.guide, ins.options
    loc = words(g)
    problems: list[str] = []
    cover = ins.page_key(0)
    notice = translation_notice(g)   # an unreviewed translation says so on the cover
    for what in (g.brand.name, g.title, g.subtitle, loc("edition_version", edition=g.edition, version=g.version),
                 *review_texts(g), *([notice] if notice else [])):
        if squash(what) not in cover:
            problems.append(f"cover lacks {short(what)!r}")
    about = translation_about(g)
    if about and squash(about) not in ins.stream:
        problems.append(f"the About block lacks {short(about)!r}")
    prefix = loc.words["prepared_for"].split("{name}")[0]
    named = squash(prefix)
    if opts.prepared_for and squash(loc("prepared_for", name=opts.prepared_for)) not in cover:
        problems.append(f"cover lacks {short(loc('prepared_for', name=opts.prepared_for))!r}")
    if not opts.prepared_for and named in cover:
        problems.append(f"cover says {prefix.strip()!r} but this edition names nobody")
    note_page = ins.page_key(1) if ins.n > 1 else ""  # the advocate's note: page 2, exactly when given
    if opts.note and squash(f"{loc('note_title')} {opts.note}") not in note_page:
        problems.append(f"page 2 lacks the advocate's note '{short(opts.note)}'")
    if not opts.note and squash(loc("note_title")) in note_page:
        problems.append("page 2 has an advocate's note but this edition has none")
    back = ins.page_key(ins.n - 1)
    written = loc("written_by", author=g.author.line)
    if squash(written) not in back:
        problems.append(f"back cover lacks {written!r}")
    for what in review_texts(g):
        if squash(what) not in back:
            problems.append(f"back cover lacks {short(what)!r}")
    if g.review.reviewed_by is None:   # the covers claim no review that did not happen
        honest = squash(review_texts(g)[-1]).lower()
        claim = loc("review_claim")
        if any(claim in page.lower().replace(honest, "") for page in (cover, back)):
            problems.append(f"a cover says {claim!r} but no one has reviewed this content")
    last = max((h.offset for h in ins.headings if h.offset is not None), default=0)
    back_matter = ins.stream[last:] + back
    advocate = squash(loc("your_advocate"))
    if opts.advocate and advocate + squash(opts.advocate) not in back_matter:
        problems.append(f"help panel lacks the advocate '{short(opts.advocate)}'")
    if not opts.advocate and advocate in back_matter:
        problems.append("help panel names an advocate but this edition has none")
    if problems:
        return Check("covers", False, "; ".join(problems))
    extra = ", named copy" if opts.prepared_for else ""
    extra += ", advocate shown" if opts.advocate else ""
    extra += ", note shown" if opts.note else ""
    return Check("covers", True, f"cover and back cover as in the content{extra}")


def check_bookmarks(ins: Inspection) -> Check:
    """Bookmarks = section titles in content order, nested as in the content, each on its heading's page."""
    actual = flat_outline(ins)
    expected = [(h.level, h.section.title, h.page) for h in ins.headings]
    problems: list[str] = []
    if [(lv, t) for lv, t, _ in actual] != [(lv, t) for lv, t, _ in expected]:
        for k in range(max(len(actual), len(expected))):
            a = actual[k] if k < len(actual) else None
            e = expected[k] if k < len(expected) else None
            if a is None or e is None or a[:2] != e[:2]:
                problems.append(f"bookmark {k + 1} is {_bm(a)}, expected {_bm(e)}")
                break
        problems.insert(0, f"{len(actual)} bookmarks, {len(expected)} sections")
    if ins.headings and all(h.page is None for h in ins.headings):
        sizes = "/".join(f"{ins.heading_size(lv):g}" for lv in range(3))
        problems.insert(0, f"no section heading found at this edition's heading sizes ({sizes} pt): "
                           "was the PDF built with other edition options or other content?")
    for (_, title, page), h in zip(actual, ins.headings, strict=False):
        if h.page is None:
            problems.append(f"heading {short(title)!r} not found in the text")
        elif page != h.page:
            where = f"page {page + 1}" if page is not None else "no page"
            problems.append(f"{short(title)!r} points at {where}, its heading is on page {h.page + 1}")
    if problems:
        return Check("bookmarks", False, _joined(problems, 4))
    depth = max((lv for lv, _, _ in actual), default=0) + 1
    return Check("bookmarks", True, f"{len(actual)} bookmarks, {depth} levels, each on its heading's page")


def _bm(item) -> str:
    return "missing" if item is None else f"{item[1]!r} at level {item[0] + 1}"


def check_contents(ins: Inspection) -> Check:
    """The contents page lists the top two levels of sections with the pages their headings stand on."""
    expected = [h for h in ins.headings if h.level <= 1]
    runs: list[Run] = [r for i in ins.contents_pages for r in ins.frame_runs(i)]
    problems: list[str] = []
    k = 0
    in_titles = 0
    end = 0  # just past the last entry's number: a short contents shares its page with the first section
    for h in expected:
        key = squash(h.section.title)
        while k < len(runs) and not ins._spells(runs, k, key, None):
            k += 1
        if k >= len(runs):
            problems.append(f"{short(h.section.title)!r} not listed (in order)")
            k = 0
            continue
        acc = ""
        while len(acc) < len(key):
            in_titles += runs[k].key.isdigit()   # a title such as "0" or "2023" is not a page number
            acc += runs[k].key
            k += 1
        listed = runs[k].key if k < len(runs) and runs[k].key.isdigit() else None
        end = max(end, k + 1)
        if h.page is None:
            problems.append(f"{short(h.section.title)!r}: heading not found in the text")
        elif listed != str(h.page + 1):
            problems.append(f"{short(h.section.title)!r} listed on page {listed or '?'}, heading on page {h.page + 1}")
    shares = bool(expected) and expected[0].page in ins.contents_pages  # the first section follows on the page
    numbers = [r for r in (runs[:end] if shares and not problems else runs) if r.key.isdigit()]
    if len(numbers) - in_titles != len(expected):
        problems.append(f"{len(numbers) - in_titles} page numbers listed for {len(expected)} entries")
    label = _pages_label(ins.contents_pages)
    if problems:
        return Check("contents", False, f"{label}: {_joined(problems, 4)}")
    return Check("contents", True, f"{len(expected)} entries on {label}, each with its heading's page")


def check_footer(ins: Inspection) -> Check:
    """'Page N of M' in the footer of every body page (all but the cover and the back cover), in the
    guide's language ('Página N de M')."""
    loc = words(ins.guide)
    said_re = re.compile(re.escape(squash(loc.words["page_n_of_m"]))
                         .replace(re.escape("{n}"), r"(\d+)").replace(re.escape("{m}"), r"(\d+)"))
    wrong: list[str] = []
    for i in ins.body_pages:
        foot = "".join(r.key for r in ins.runs(i) if ins.zone(r) == "foot")
        if squash(loc("page_n_of_m", n=i + 1, m=ins.n)) not in foot:
            said = said_re.search(foot)
            wrong.append(f"page {i + 1} says {loc('page_n_of_m', n=said.group(1), m=said.group(2))!r}" if said
                         else f"page {i + 1} has no 'Page N of M' footer")
    if ins.n < 3:
        wrong.append(f"only {ins.n} pages: no body pages")
    if wrong:
        return Check("footer", False, f"expected 'Page N of {ins.n}': " + "; ".join(wrong[:3])
                     + (f" (+{len(wrong) - 3} more)" if len(wrong) > 3 else ""))
    return Check("footer", True, f"'Page N of {ins.n}' on pages 2\u2013{ins.n - 1}")


def check_rebuild(ins: Inspection) -> Check:
    """Building the same content and edition again gives the very same bytes."""
    from ..pdf import render_guide

    again, _ = render_guide(ins.full_guide, ins.options)
    if again == ins.pdf:
        return Check("rebuild", True, f"a fresh build is byte-identical ({len(again):,} bytes)")
    pairs = enumerate(zip(again, ins.pdf, strict=False))
    first = next((k for k, (a, b) in pairs if a != b), min(len(again), len(ins.pdf)))
    return Check("rebuild", False, f"a fresh build differs: {len(again):,} bytes against {len(ins.pdf):,}, "
                                   f"first difference at byte {first:,}")
