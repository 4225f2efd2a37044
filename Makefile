# frontline: `make run` opens the map of the seed articles and the corpus, `make test` runs
# every check.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501

.PHONY: run test lint browser layers bench clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installs the package and its pinned dependencies (constraints.txt) into .venv.
$(VENV)/.installed: $(BIN)/activate pyproject.toml constraints.txt
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

# Ingest the seed articles and the annotated corpus into the store, list the names no
# gazetteer knows, then serve the map.
CORPUS := seeds corpus/syria/articles
run: $(VENV)/.installed
	$(BIN)/frontline ingest $(CORPUS)
	$(BIN)/frontline places $(CORPUS) --unresolved
	$(BIN)/streamlit run app.py --server.port $(PORT) --server.headless true \
		--browser.gatherUsageStats false

lint: $(VENV)/.installed
	$(BIN)/ruff check .

# Debian's Chromium for the browser tests of the app: installed when missing and we are root;
# otherwise those tests are skipped with a message (and fail under CI=true).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "note: chromium is not installed and this is not root: the browser tests will fail (sudo apt-get install chromium)"; \
	  fi; }

test: lint browser
	$(BIN)/python -m pytest

# The committed layers of the seed corpus, rebuilt from a fresh store (a test checks them).
layers: $(VENV)/.installed
	rm -f build/seeds.db
	$(BIN)/frontline ingest seeds --db build/seeds.db
	$(BIN)/frontline export --out layers --db build/seeds.db
	$(BIN)/frontline places seeds --format geojson --out layers/named_places.geojson

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/bench_places.py
	$(BIN)/python benchmarks/bench_ingest.py
	$(BIN)/python benchmarks/bench_snapshot.py
	$(BIN)/python benchmarks/bench_corridors.py
	$(BIN)/python benchmarks/bench_images.py
	$(BIN)/python benchmarks/bench_raster.py
	$(BIN)/python benchmarks/bench_app.py
	$(BIN)/python benchmarks/bench_scale.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
