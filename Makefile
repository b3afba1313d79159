# Two commands for everything (see README):
#   make build   install what is needed, then build the sample report into output/
#   make test    install what is needed (incl. LibreOffice), then run the whole test suite
DATA ?= data/2022-如东县法治政府建设情况报告.yaml

.PHONY: build test setup templates lint bench
build:
	bash scripts/setup.sh
	.venv/bin/docgen build $(DATA)

test:
	bash scripts/setup.sh --test
	.venv/bin/ruff check .
	.venv/bin/python -m pytest

setup:
	bash scripts/setup.sh

templates:
	.venv/bin/python tools/make_templates.py

bench:
	.venv/bin/python bench/bench_pdf.py
