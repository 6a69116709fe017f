# textcoop: `make demo` and `make test` are the whole set-up on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
TEXTCOOP := $(VENV)/bin/textcoop
STAMP := $(VENV)/.installed
OUT := out
export OMP_NUM_THREADS ?= 1
export OPENBLAS_NUM_THREADS ?= 1

.PHONY: demo test test-quick lint bench evaluate models sysdeps venv clean sample fuzz

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	touch $(STAMP)

# Debian packages: Tesseract (OCR, Russian and English), poppler, DejaVu fonts
# (Cyrillic in generated PDFs), Chromium (the report's browser test). Installed only when missing.
sysdeps:
	@missing=""; \
	command -v tesseract >/dev/null || missing="$$missing tesseract-ocr"; \
	tesseract --list-langs 2>/dev/null | grep -qx rus || missing="$$missing tesseract-ocr-rus"; \
	tesseract --list-langs 2>/dev/null | grep -qx eng || missing="$$missing tesseract-ocr-eng"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf || missing="$$missing fonts-dejavu-core"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

demo: $(STAMP) sysdeps
	@mkdir -p $(OUT)
	$(TEXTCOOP) ingest corpora/sample --store $(OUT)/demo.duckdb --meta corpora/sample/manifest.csv
	$(TEXTCOOP) status --store $(OUT)/demo.duckdb
	$(TEXTCOOP) docs --store $(OUT)/demo.duckdb
	$(TEXTCOOP) classify --store $(OUT)/demo.duckdb
	$(TEXTCOOP) export segments --store $(OUT)/demo.duckdb --format csv --out $(OUT)/demo_segments.csv
	$(TEXTCOOP) export doc_coverage --store $(OUT)/demo.duckdb --format csv --out $(OUT)/demo_coverage.csv
	$(TEXTCOOP) survey code corpora/sample/survey_answers.csv --text-column q_barriers --text-column q_support --id-column resp_id --out $(OUT)/demo_survey_coded.xlsx
	$(TEXTCOOP) survey summary $(OUT)/demo_survey_coded.xlsx --by region --out $(OUT)/demo_survey_frequencies.csv
	$(TEXTCOOP) topics fit --store $(OUT)/demo.duckdb -k auto --seeded --out $(OUT)/demo_topics
	$(TEXTCOOP) gaps --store $(OUT)/demo.duckdb --survey $(OUT)/demo_survey_coded.xlsx --out $(OUT)/demo_gaps --top 3
	$(TEXTCOOP) compare --store $(OUT)/demo.duckdb --by region --out $(OUT)/demo_compare
	@echo "Demo output: $(OUT)/demo.duckdb (corpus store), $(OUT)/demo_segments.csv (segments), $(OUT)/demo_coverage.csv (theme coverage per document), $(OUT)/demo_survey_coded.xlsx (coded survey), $(OUT)/demo_survey_frequencies.csv (theme frequencies by region), $(OUT)/demo_topics/ (topics), $(OUT)/demo_gaps/ (gaps per region), $(OUT)/demo_compare/ (strategies compared)"
	$(TEXTCOOP) report --store $(OUT)/demo.duckdb --survey $(OUT)/demo_survey_coded.xlsx --out $(OUT)/demo_report.html --lang ru

test: $(STAMP) sysdeps
	$(PY) -m pytest -q

test-quick: $(STAMP)
	$(PY) -m pytest -q -m "not realdata and not slow"

lint: $(STAMP)
	$(VENV)/bin/ruff check textcoop tests bench corpora
	$(VENV)/bin/ruff format --check textcoop tests bench corpora

# one table (ingest, classify, survey, topics, demo, memory) and bench/results.json
bench: $(STAMP) sysdeps
	$(PY) bench/run_all.py

# bounded fuzz run of the extractors (not in CI): mutated and random files, fixed seed;
# exit 1 when a file raises an unexpected exception instead of a reason
fuzz: $(STAMP)
	$(PY) bench/fuzz_extract.py --n 500 --seed 1

# the theme coder against seed matching alone and TF-IDF + logistic regression
evaluate: $(STAMP)
	$(PY) bench/evaluate_themes.py

# The default theme coders (ru, en): the labelled data the project wrote, plus (when
# ../shared/corpora is there) hand-coded real sentences referenced by offsets and weak
# negatives sampled from the real programs, the held-out gold kept out.
SHARED_CORPORA := $(wildcard ../shared/corpora)
TRAIN_DATA := $(wildcard corpora/train/*_policy.jsonl corpora/train/*_survey.jsonl)
ifneq ($(SHARED_CORPORA),)
TRAIN_DATA += $(wildcard corpora/train/*_refs.jsonl)
TRAIN_REAL := --corpora $(SHARED_CORPORA) --weak-negatives $(SHARED_CORPORA)/ru-programs/texts --n-weak 2000 --exclude corpora/eval/ru_programs_gold.jsonl --real-weight 6 --tune-folds 0 --seed-weight 0.35 \
  --seedless ru:finance --seedless ru:technology --seedless ru:skills --seedless ru:regulation
endif
models: $(STAMP)
	$(TEXTCOOP) train $(addprefix --data ,$(TRAIN_DATA)) $(TRAIN_REAL) --out models

sample: $(STAMP) sysdeps
	$(PY) corpora/make_sample.py

clean:
	rm -rf $(OUT) bench/results.json bench/data .pytest_cache
