"""A request in; the language of the desk's own page out (the ?lang= link, the form's ``ui`` field, or the browser's
Accept-Language), with the words for it from guide/locales.

The page's language is the advocate's; the guide's language is a separate choice on the form (the family's).
"""

from __future__ import annotations

from ..content import locale_for, locale_languages
from ..content._locale import primary

DEFAULT = "en"


def _accepted(header: str) -> list[str]:
    """Accept-Language's languages, most wanted first: 'es-US,es;q=0.9,en;q=0.8' -> ['es', 'es', 'en']."""
    ranked = []
    for i, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if tag and tag != "*" and q > 0:
            ranked.append((-q, i, primary(tag)))
    return [lang for _, _, lang in sorted(ranked)]


def page_language(request, asked: object = None) -> str:
    """The page's language: the one asked for (the form's ``ui`` field, else the ``?lang=`` link) when the desk
    has its words, else the browser's first one it has, else English. Anything else asked for is ignored
    (a link is not a form field to complain about)."""
    if asked is None:
        asked = request.query_params.get("lang")
    accept_language = request.headers.get("accept-language", "")
    have = locale_languages()
    if isinstance(asked, str) and primary(asked.strip() or "-") in have:
        return primary(asked.strip())
    for lang in _accepted(accept_language or ""):
        if lang in have:
            return lang
    return DEFAULT


def language_choices() -> list[tuple[str, str]]:
    """Every page language with its name in itself: [('en', 'English'), ('es', 'Español')]."""
    return [(lang, locale_for(lang).desk_words("language_self")) for lang in locale_languages()]
