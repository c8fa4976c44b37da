# Mentor Match: `make run` serves the portal, `make test` runs the suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi.py

.PHONY: run test test-cluster lint format bench worker clean translations

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime-installed $@

PORT ?= 5000

# The French catalogue: messages.po is the translators' file (kept in git), messages.mo the
# compiled one the portal reads, built from it whenever it is older.
CATALOG := translations/fr/LC_MESSAGES/messages
$(CATALOG).mo: $(CATALOG).po | $(VENV)/.runtime-installed
	$(BIN)/pybabel compile --statistics -d translations -l fr

## translations: gather the messages of the code and templates (translations/messages.pot),
## bring the French catalogue up to date with them (new ones untranslated, gone ones dropped),
## compile it; then translate what `make test` reports untranslated in messages.po
translations: $(VENV)/.runtime-installed
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 --ignore-dirs='.* __pycache__' \
		--add-comments=Translators: --add-location=file --sort-output --no-wrap \
		--project="Mentor Match" -o translations/messages.pot .
	$(BIN)/pybabel -q update --no-fuzzy-matching --ignore-obsolete --no-wrap \
		-i translations/messages.pot -d translations -l fr
	$(BIN)/pybabel compile --statistics -d translations -l fr

## run: install, migrate, load demo data into an empty database, serve http://127.0.0.1:$(PORT)
## (`make run PORT=8080` for another port)
run: $(VENV)/.runtime-installed $(CATALOG).mo
	APP_ENV=$${APP_ENV:-development} $(BIN)/flask db upgrade
	APP_ENV=$${APP_ENV:-development} $(BIN)/flask seed-demo --if-empty
	APP_ENV=$${APP_ENV:-development} BASE_URL=$${BASE_URL:-http://127.0.0.1:$(PORT)} $(BIN)/flask run --host 127.0.0.1 --port $(PORT)

## test: install the dev requirements, check style, run the whole suite
test: $(VENV)/.dev-installed lint $(CATALOG).mo
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## test-cluster: two app hosts (gunicorn, 2 workers each), two outbox workers, Redis and an
## SMTP sink on 127.0.0.1, one PostgreSQL database (CLUSTER_DATABASE_URL, emptied first):
## a load mix through both hosts, the faults and the checks of cluster/run.py (a few minutes)
test-cluster: $(VENV)/.dev-installed $(CATALOG).mo
	@test -n "$(CLUSTER_DATABASE_URL)" || { echo "Set CLUSTER_DATABASE_URL=postgresql://... (a database of its own: it is emptied)"; exit 2; }
	CLUSTER_DATABASE_URL="$(CLUSTER_DATABASE_URL)" $(BIN)/python -m cluster.run $(CLUSTER_ARGS)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev-installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## bench: time the mentor directory on 10,000 demo members, the committee dashboard with
## 5,000 mentorships and 60,000 check-ins more, and the matching workbench (its solver on
## 2,000 mentees x 1,000 mentors, the review page of a 2,000-pair draft) (SQLite; PostgreSQL
## too with BENCH_DATABASE_URL, whose database is emptied first)
bench: $(VENV)/.runtime-installed $(CATALOG).mo
	@status=0; \
	APP_ENV=$${APP_ENV:-development} $(BIN)/python bench/directory.py $(BENCH_ARGS) || status=1; \
	APP_ENV=$${APP_ENV:-development} $(BIN)/python bench/dashboard.py $(DASHBOARD_BENCH_ARGS) || status=1; \
	APP_ENV=$${APP_ENV:-development} $(BIN)/python bench/matching.py $(MATCHING_BENCH_ARGS) || status=1; \
	exit $$status

worker: $(VENV)/.runtime-installed $(CATALOG).mo
	APP_ENV=$${APP_ENV:-development} $(BIN)/flask outbox worker

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
