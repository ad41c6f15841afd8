# The README's commands, as make targets.
.PHONY: up test bench asyncapi
up:
	scripts/up
test:
	scripts/test
bench:
	scripts/bootstrap && .venv/bin/giamngheo bench
asyncapi:
	scripts/bootstrap && .venv/bin/giamngheo asyncapi
