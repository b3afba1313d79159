"""Drawn pages, memoised: a page made of the same frames, after the same pages, is drawn once.

:func:`docgen.pdf.draw.draw_pages` writes each page's content stream from its
frames.  That stream is a pure function of the frames and of what the pages
before it left behind: the CIDs the document's fonts have handed out, the
fonts' resource names, the object numbers of the pictures already embedded.
So a page is recognised by the identity of its frames (layout hands back the
same frame objects for an unchanged page, :mod:`docgen.pdf.frame_memo`) and by
the page drawn before it; its :class:`DrawnPage` records the compressed
stream and those side effects, and :meth:`DrawnPage.replay` repeats them.

Keys: ``(serial of the page drawn before, width, height, ids of the frames)``.
Each entry keeps its frames alive (so an ``id`` in a key stands for one
object) and has a serial number of its own that is never reused (so a chain
of pages is only ever continued by the pages that followed it).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import count
from typing import TYPE_CHECKING

from reportlab.pdfbase import pdfmetrics

from docgen.pdf.embed import embed_image
from docgen.pdf.memo import Memo

if TYPE_CHECKING:
    from docgen.pdf.frames import Frame, Page

__all__ = ["DrawnPage", "page_key", "remember", "recall"]

_PAGES = Memo(1024)  # pages per generation: a 500-page document and a few smaller ones
MAX_KEPT = 64 * 1024  # a page whose compressed stream is larger is not kept (a 公文 page: ~3 KB)
# pages with pictures keep the pictures' bytes (through their frames): few of them
_PICTURE_PAGES = Memo(16)
_SERIALS = count(1)


@dataclass(frozen=True, slots=True)
class DrawnPage:
    """A page's drawing and what drawing it did to the document's shared state."""

    frames: tuple[Frame, ...]  # kept alive: the key holds their ids
    content: bytes  # the content stream, Flate-compressed
    new_fonts: tuple[tuple[str, object], ...]  # font names first used here, with their face
    new_chars: tuple[tuple[int, str], ...]  # (font's index, characters given CIDs here)
    new_images: tuple[tuple[bytes, str], ...]  # pictures first embedded here: data, part name
    fonts_used: tuple[str, ...]  # resource names (/F1…) of the page's fonts
    images_used: tuple[tuple[str, int], ...]  # (resource name, object number) of its pictures
    serial: int

    def replay(self, fonts, images: dict[bytes, int], pdf) -> bool:
        """Do to ``fonts``, ``images`` and ``pdf`` what drawing the page did (False, and
        nothing done, if a font name no longer stands for the face it was drawn with)."""
        for name, face in self.new_fonts:
            if getattr(pdfmetrics.getFont(name), "face", None) is not face:
                return False
        for name, _face in self.new_fonts:
            fonts.get(name)
        if self.new_chars:
            by_index = list(fonts.faces.values())
            for index, chars in self.new_chars:
                by_index[index].encode(chars)
        for data, name in self.new_images:
            images[data] = embed_image(pdf, data, name)
        return True


def page_key(before: int, page: Page) -> tuple:
    return (before, page.width, page.height, tuple(map(id, page.frames)))


def recall(key: tuple) -> DrawnPage | None:
    return _PAGES.get(key) or _PICTURE_PAGES.get(key)


def remember(key: tuple | None, page: Page, content: bytes, new_fonts, new_chars, new_images,
             fonts_used, images_used) -> DrawnPage:
    drawn = DrawnPage(tuple(page.frames), content, tuple(new_fonts), tuple(new_chars),
                      tuple(new_images), tuple(fonts_used), tuple(images_used),
                      next(_SERIALS))
    if key is not None and len(content) <= MAX_KEPT:  # key None: not memoised
        (_PICTURE_PAGES if new_images or images_used else _PAGES).put(key, drawn)
    return drawn
