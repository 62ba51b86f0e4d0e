"""The desk's state in one object: content watch, build pool, PDF cache, page-count table, handout log and token guard.

Routes call ``build`` and ``page_count``; both look in a cache first, share one build between
identical requests that arrive together, and otherwise wait (without blocking the loop) on a worker.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from ..content import DEFAULT_CONTENT, BuildOptions, slug
from ..content import models as m
from ._cache import CountCache, PdfCache, cache_key
from ._content import ContentWatch, Loaded
from ._log import DEFAULT_LOG, Handout, HandoutLog
from ._pool import BuildPool
from ._security import Guard

log = logging.getLogger("guide.desk")

MAX_BODY = 64 * 1024


class DeskConfig(msgspec.Struct, frozen=True):
    content_dir: Path = DEFAULT_CONTENT
    token: str | None = None
    log_path: Path | None = DEFAULT_LOG  # None: keep no handout log
    workers: int | None = None  # None: one per core
    max_pending: int = 32
    cache_bytes: int = 64 * 1024 * 1024
    warm_counts: bool = True  # count the pages of the four whole-guide editions at start


class BuildFailed(Exception):
    """The content (or its layout) stops a build: the located problems, as text."""

    def __init__(self, problems: tuple[str, ...]):
        super().__init__("; ".join(problems))
        self.problems = problems


def edition_key(options: BuildOptions) -> tuple:
    return (options.paper, options.large_print, options.sections)


def download_name(guide: m.Guide, options: BuildOptions) -> str:
    """Edition and patient: stage-iv-mesothelioma-large-print-a4-jose-munoz.pdf (ASCII only)."""
    from ..build import default_name

    base = default_name(guide.title, options)[: -len(".pdf")]
    if options.prepared_for:
        name = slug(options.prepared_for.translate(_NO_DECOMPOSITION))
        if name != "item":  # slug's stand-in when nothing of the name has an ASCII form
            base += f"-{name}"
    return base + ".pdf"


# letters that Unicode does not decompose into a base letter and an accent (so NFKD keeps them whole)
_NO_DECOMPOSITION = str.maketrans({"Đ": "D", "đ": "d", "Ø": "O", "ø": "o", "Ł": "L", "ł": "l", "ß": "ss",
                                   "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe", "Þ": "Th", "þ": "th", "ı": "i",
                                   "Ð": "D", "ð": "d", "Ħ": "H", "ħ": "h"})


def edition_name(guide: m.Guide, options: BuildOptions) -> str:
    """The file name without the patient: what the handout log keeps."""
    from ..build import default_name

    return default_name(guide.title, options)[: -len(".pdf")]


# A dataclass, not a msgspec Struct like the other records: a Struct has no fields made after __init__
# (init=False), and this class is made once, in a server that imports dataclasses anyway (Starlette, uvicorn).
@dataclass
class Desk:
    config: DeskConfig
    watch: ContentWatch = field(init=False)
    guard: Guard = field(init=False)
    cache: PdfCache = field(init=False)
    counts: CountCache = field(init=False)
    handouts: HandoutLog | None = field(init=False)
    pool: BuildPool | None = None
    _inflight: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        c = self.config
        self.watch = ContentWatch(c.content_dir)
        # paired editions (content/es): a watch each, chosen by a request's language field
        from ..content import languages

        self.editions = {tag: (ContentWatch(folder) if i else self.watch, None if i == 0 else folder)
                         for i, (tag, folder) in enumerate(languages(Path(c.content_dir)))}
        self.guard = Guard(c.token)
        self.cache = PdfCache(c.cache_bytes)
        self.counts = CountCache()
        self.handouts = HandoutLog(c.log_path) if c.log_path is not None else None

    # -- life cycle ------------------------------------------------------------------------
    async def start(self) -> None:
        self.watch.current()  # fonts, ReportLab and the content, once, in this process too
        self.pool = BuildPool(self.config.content_dir, self.config.workers, self.config.max_pending)
        await self.pool.warm()
        if self.config.warm_counts:
            self._warming = asyncio.create_task(self._count_whole_editions())

    async def _count_whole_editions(self) -> None:
        try:  # one at a time: the other workers stay free for the first family's copy
            for watch, folder in self.editions.values() or [(self.watch, None)]:
                loaded = watch.current()
                if not loaded.ok:
                    continue
                for lp in (False, True):
                    for p in ("letter", "a4"):
                        await self.page_count(loaded, BuildOptions(paper=p, large_print=lp), folder)
        except Exception as exc:  # a count is a convenience: the page says "not counted yet"
            log.warning("could not count pages at start: %s", type(exc).__name__)

    async def stop(self) -> None:
        task = getattr(self, "_warming", None)
        if task is not None and not task.done():
            task.cancel()
        if self.pool is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.pool.close)
            self.pool = None

    # -- builds ----------------------------------------------------------------------------
    async def _once(self, key, make):
        """Identical requests that arrive together share one build."""
        running = self._inflight.get(key)
        if running is not None:
            return await asyncio.shield(running)
        task = asyncio.ensure_future(make())
        self._inflight[key] = task
        try:
            return await task
        finally:
            self._inflight.pop(key, None)

    def edition(self, language: object) -> tuple[ContentWatch, Path | None] | None:
        """The watch and folder of the edition in ``language`` (es, es-US; None: the desk's own),
        or None when the desk has no such edition."""
        if language is None or language == "":
            return self.watch, None
        if not isinstance(language, str):
            return None
        asked = language.strip().lower()
        for tag, found in self.editions.items():
            if asked in (tag.lower(), tag.split("-")[0].lower()):
                return found
        return None

    async def build(self, loaded: Loaded, options: BuildOptions, folder: Path | None = None) -> tuple[bytes, int]:
        key = cache_key(loaded.digest, options)
        hit = self.cache.get(key)
        if hit is not None:
            return hit

        async def make():
            r = await self.pool.build(loaded.digest, options, folder)
            if r.pdf is None:
                raise BuildFailed(r.problems)
            self.cache.put(cache_key(r.digest, options), r.pdf, r.pages)
            if options.note is None:  # a name does not change the count; a note may add a page
                self.counts.put((r.digest, *edition_key(options)), r.pages)
            return r.pdf, r.pages

        return await self._once(("pdf", key), make)

    def known_count(self, loaded: Loaded, options: BuildOptions) -> int | None:
        return self.counts.get((loaded.digest, *edition_key(options)))

    async def page_count(self, loaded: Loaded, options: BuildOptions, folder: Path | None = None) -> int:
        key = (loaded.digest, *edition_key(options))
        known = self.counts.get(key)
        if known is not None:
            return known
        bare = BuildOptions(paper=options.paper, large_print=options.large_print, sections=options.sections)

        async def make():
            r = await self.pool.page_count(loaded.digest, bare, folder)
            if r.problems:
                raise BuildFailed(r.problems)
            self.counts.put((r.digest, *edition_key(bare)), r.pages)
            return r.pages

        return await self._once(("count", key), make)

    def record(self, guide: m.Guide, options: BuildOptions, pages: int, how: str) -> None:
        """One row of the handout log: never the patient's name or the note."""
        if self.handouts is None:
            return
        self.handouts.record(Handout(edition_name(guide, options), options.paper, options.large_print,
                                     options.sections, options.advocate, pages, how))
