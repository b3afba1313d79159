"""``docgen serve``: a local web page to edit, check, preview and download documents.

Modules: ``app`` (routes and pages), ``editor`` (what the 编辑 page shows),
``store`` (round-trip saving with version tokens and backups), ``worker``
(builds and previews in warm worker processes), ``paths`` (no name leads
outside the data folder), ``uploads`` (size, type and safety of uploads),
``security`` (access token, CSRF, headers).  See docs/web.md.
"""
