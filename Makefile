# The README's two commands: `make run` and `make test`. Both create .venv/ on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PORT ?= 8000
# Dev mode by default for `make run`; production sets DEBUG=false and SECRET_KEY itself.
export DEBUG ?= true

.PHONY: run test install lint format migrate demo serve worker check-deploy production-check clean messages catalogues

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/activate pyproject.toml constraints.txt
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt ".[dev]"
	touch $@

install: $(VENV)/.installed

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_demo

serve: install catalogues
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/uvicorn community.asgi:application --host 127.0.0.1 --port $(PORT)

## make run: install, migrate, demo data, serve on http://127.0.0.1:$(PORT)
run: demo serve

## make test: lint, then the whole suite (twice in CI: SQLite, then PostgreSQL + Redis)
test: install
	bash scripts/test.sh

## make messages: extract new strings into locale/{nb,da,sv,nl}/LC_MESSAGES/*.po to translate
messages: install
	bash scripts/need-gettext.sh
	$(BIN)/python manage.py messages

# The .mo files are built from the committed .po files (pure Python: no gettext tools needed).
catalogues: install
	$(BIN)/python manage.py messages --compile --verbosity 0

worker: install
	$(BIN)/python manage.py db_worker --queue-name "*"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check-deploy: install
	bash scripts/check-deploy.sh

## make production-check: the README's production section against PostgreSQL + Redis on 127.0.0.1
production-check: install
	bash scripts/production-check.sh

clean:
	rm -rf $(VENV) staticfiles var/test*.sqlite3*
