# Full stack on this machine (API, workers, UI) and the same in containers.
# Settings come from the environment; see src/bng_optimiser/settings.py for every name.

SHELL := /bin/bash
N ?= 2
API_PROCESSES ?= 2
COMPOSE ?= docker compose

export DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/bng
export REDIS_URL ?= redis://127.0.0.1:6379/0
export API_PROCESSES
# Folder of the pid files and logs of `make up`; deploy/stack.sh uses the same default.
export RUN_DIR ?= run

.PHONY: help up down logs workers status local-up local-down local-logs redis-cli

help:
	@echo "make up            create/migrate/seed the database, start API, $(N) workers and UI"
	@echo "make down          stop them"
	@echo "make logs          follow the logs under \$$RUN_DIR (default run/)"
	@echo "make workers N=4   run exactly N workers"
	@echo "make status        list the processes started by make up"
	@echo "make local-up      the same stack in containers (docker compose)"
	@echo "make local-down    stop the containers"
	@echo "make local-logs    follow the containers' logs"
	@echo "make redis-cli     open redis-cli on the containers' Redis"

up:
	deploy/stack.sh up $(N)

down:
	deploy/stack.sh down

logs:
	tail -n 50 -F "$(RUN_DIR)"/*.log

workers:
	deploy/stack.sh workers $(N)

status:
	deploy/stack.sh status

local-up:
	$(COMPOSE) up --build --detach --scale worker=$(N)

local-down:
	$(COMPOSE) down

local-logs:
	$(COMPOSE) logs --follow --tail=50

redis-cli:
	$(COMPOSE) exec redis redis-cli
