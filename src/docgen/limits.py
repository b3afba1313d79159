"""Every resource limit docgen enforces on its inputs, in one place.

Each number is documented in docs/security.md with the reason for it.  The
limits are generous for real yearly reports (the seed report is 60 KB of
YAML, its template 40 KB) and small enough that a hostile file is refused
within a second and a few hundred MB.
"""

from __future__ import annotations

MB = 2**20

# -- files read from disk (per kind: checked with fstat before reading, then read with that bound)
MAX_DATA_BYTES = 8 * MB          # a YAML data file (or its previous: year)
MAX_TEMPLATE_BYTES = 64 * MB     # a .docx template
MAX_DOCX_BYTES = 200 * MB        # a .docx given to ``docgen pdf``
MAX_SHEET_BYTES = 50 * MB        # a .xlsx or .csv named by ``from:``
MAX_IMAGE_BYTES = 20 * MB        # a seal picture named by ``seal:``

KIND_LIMITS: dict[str, int] = {
    "data": MAX_DATA_BYTES,
    "template": MAX_TEMPLATE_BYTES,
    "docx": MAX_DOCX_BYTES,
    "sheet": MAX_SHEET_BYTES,
    "image": MAX_IMAGE_BYTES,
}

# -- what a file expands to
MAX_IMAGE_PIXELS = 64_000_000    # pictures inside a template or .docx (header only, never decoded)
MAX_SEAL_PIXELS = 16_000_000     # a seal is decoded fully: 4000 × 4000 RGBA is 64 MB
MAX_XLSX_UNCOMPRESSED = 200 * MB  # all parts of a workbook, from the zip directory
MAX_XLSX_SHARED_STRINGS = 32 * MB  # xl/sharedStrings.xml, loaded whole by openpyxl
MAX_SHEET_ROWS = 100_000         # rows scanned when a label is looked up
MAX_SHEET_COLUMNS = 1_000        # columns read per row
MAX_SHEET_CELLS = 2_000_000      # cells read in one lookup
MAX_DOCX_UNCOMPRESSED = 200 * MB  # all parts of a .docx, from the zip directory
MAX_DOCX_ENTRIES = 5_000
MAX_DOCX_RATIO = 1_100           # deflate cannot exceed ~1032:1; above that the directory lies
MAX_YAML_NODES = 200_000         # YAML values after alias expansion
MAX_YAML_DEPTH = 64

# -- numbers
MAX_FIGURE_DIGITS = 40           # significant digits of one figure (a 万亿 budget has 15)
DECIMAL_PRECISION = 100          # context precision: any accepted figure, ×100, with 10 decimals

# -- Jinja evaluation (templates and data text)
MAX_TEMPLATE_SEQUENCE = 1_000_000   # a string or list one expression may build
MAX_TEMPLATE_STRING = 8_000_000     # any string a template value may grow to (chars)
MAX_TEMPLATE_OUTPUT = 32_000_000    # one rendered part (document.xml of a 300-page report is ~5 M)
MAX_FORMAT_WIDTH = 1_000            # widths and precisions in '%5d', '{:>5}', center(5) …
MAX_RANGE_TOTAL = 2_000_000         # items all range() calls of one render may produce
MAX_INT_BITS = 100_000              # a ** b, a << b: results up to ~30 000 decimal digits
MAX_COMPILED_CHARS = 16_000_000     # source characters of compiled Jinja code kept per process (a cache)
TEMPLATE_SECONDS = 10.0             # wall-clock budget of one render
BUILD_TEMPLATE_SECONDS = 20.0       # all renders of one build together (templates and data text)
TEMPLATE_EXTRA_MEMORY = 512 * MB    # address space a render may add (RLIMIT_AS, main thread)

# -- batch
DOCUMENT_SECONDS = 600.0         # one document of a batch (default per-document timeout)
HARD_KILL_GRACE = 30.0           # then a worker stuck in C code (no Python signal runs) is ended
