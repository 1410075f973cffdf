# The two commands (see README): `make run` and `make test`. The work is in scripts/.
.PHONY: run test release setup

run:
	@bash scripts/run.sh

test:
	@bash scripts/test.sh

release:
	@bash scripts/release.sh

setup:
	@bash scripts/setup.sh test
