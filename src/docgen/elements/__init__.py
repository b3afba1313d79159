"""GB/T 9704-2012 elements outside the numbered body.

Small, mostly pure modules: ``dates`` (成文日期 in the standard's form),
``doc_number`` (发文字号 validation), ``title_lines`` (breaking long titles
into a trapezoid or diamond), ``seal`` (the anchored seal picture and the
signature arrangement with a seal), ``even_pages`` (版记 on the last, even
page; unnumbered blank page) and ``finish`` (the post-render step that ties
the last three together for ``build``).
"""
