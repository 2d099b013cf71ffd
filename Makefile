# ZeroLab — every entry point. `make run` and `make test` set up a fresh Debian machine
# that has only the Swift toolchain (system packages are installed when missing).
SHELL := /bin/bash
SWIFT ?= swift
CONFIG ?= release
BIN := .build/$(CONFIG)/zerolab
SWIFT_SOURCES := Sources Tests Package.swift

.PHONY: all setup build run test lint format bench-solver bench-mcts bench-perft bench-engine bench perft-full chess-diff uci-test wac arena-sf venv clean help

all: build

help:
	@echo "make run           set up, build, solve 3x3 Hexapawn and play one engine-vs-engine game"
	@echo "make test          set up, lint, build and run every test"
	@echo "make lint | format check | rewrite formatting with swift format (.swift-format)"
	@echo "make bench-solver  exact-solver positions/s on 4x4 and 5x5, against a plain Python solver"
	@echo "make bench-mcts    MCTS simulations/s on 3x3 and 5x5"
	@echo "make bench-perft   chess perft nodes/s (start d6, Kiwipete d5) against Stockfish, one thread"
	@echo "make perft-full    every depth of perftsuite.epd and tricky.perft (release; a few minutes)"
	@echo "make chess-diff    300 seeded random games checked move by move against python-chess"
	@echo "make uci-test      UCI conformance of 'zerolab uci' driven by python-chess"
	@echo "make bench-engine  alpha-beta nodes/s against Stockfish's own bench nodes/s"
	@echo "make wac           share of Win at Chess (bench/wac.epd) solved at WAC_TIME (1) s a position"
	@echo "make arena-sf      GAMES (40) games at 10+0.1 against stockfish-1350 and stockfish-1800 (long)"

setup:
	@bash scripts/setup.sh

build: setup
	$(SWIFT) build -c $(CONFIG)

# The main job (for now): solve 3x3 Hexapawn, then watch MCTS (White) play the perfect solver (Black).
run: build
	$(BIN) solve hexapawn --size 3x3
	@echo
	$(BIN) play hexapawn --size 3x3 --white mcts:sims=2000 --black minimax --seed 7

test: setup lint venv
	$(SWIFT) build -c $(CONFIG) --build-tests
	$(SWIFT) test -c $(CONFIG) --skip-build
	$(MAKE) --no-print-directory chess-diff
	$(MAKE) --no-print-directory uci-test

venv:
	@bash scripts/venv.sh

# Chess rules against python-chess: legal moves, SAN, FEN and game status after every ply.
chess-diff: venv
	@test -x $(BIN) || $(SWIFT) build -c $(CONFIG)
	$(BIN) chess-games --games 300 --seed 1 --max-plies 400 | .venv/bin/python scripts/chess_diff.py

# The UCI engine driven by python-chess: play, analyse, stop, mate scores, garbage input.
uci-test: venv
	@test -x $(BIN) || $(SWIFT) build -c $(CONFIG)
	.venv/bin/python scripts/uci_conformance.py $(BIN)

WAC_TIME ?= 1
wac: build
	$(BIN) epd bench/wac.epd --time $(WAC_TIME) | tail -n 1

GAMES ?= 40
TC ?= 10+0.1
arena-sf: build
	@bash scripts/stockfish.sh
	@mkdir -p bench/results
	$(BIN) arena zerolab stockfish-1350 --games $(GAMES) --tc $(TC) --pgn bench/results/arena-sf1350.pgn
	$(BIN) arena zerolab stockfish-1800 --games $(GAMES) --tc $(TC) --pgn bench/results/arena-sf1800.pgn

perft-full: setup
	$(SWIFT) build -c release --build-tests
	CHESS_PERFT_FULL=1 $(SWIFT) test -c release --skip-build --filter 'PerftFullTests|PerftTests'

lint:
	$(SWIFT) format lint --strict --recursive $(SWIFT_SOURCES)

format:
	$(SWIFT) format format --in-place --recursive $(SWIFT_SOURCES)

bench-solver: build
	@bash bench/solver.sh $(BIN)

bench-mcts: build
	$(BIN) bench mcts --size 3x3 --size 5x5 --sims 200000

bench-perft: build
	@bash bench/perft.sh $(BIN)

bench-engine: build
	@bash bench/engine.sh $(BIN)

bench: bench-solver bench-mcts bench-perft bench-engine

clean:
	rm -rf .build
