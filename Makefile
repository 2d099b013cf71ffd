# ZeroLab — every entry point. `make run` and `make test` set up a fresh Debian machine
# that has only the Swift toolchain (system packages are installed when missing).
SHELL := /bin/bash
SWIFT ?= swift
CONFIG ?= release
BIN := .build/$(CONFIG)/zerolab
SWIFT_SOURCES := Sources Tests Package.swift fuzz/Sources fuzz/Package.swift

.PHONY: all setup build run demo test install uninstall notebook examples-check venv-notebook notebook-check engines lint format bench-solver bench-mcts bench-perft bench-nn bench-int8 bench-zero bench-backends venv-jax venv-cluster cluster-check bench-cluster bench-engine bench-nnue nnue-loop nnue-compare nnue-ship arena-nnue zero-ship arena-zero bench perft-full chess-diff uci-test wac arena-sf venv clean help asan tsan fuzz fuzz-check soak

all: build

help:
	@echo "make run           set up, build, and compare supervised with self-play learning on 4x4 Hexapawn (~2 min)"
	@echo "make demo          solve 3x3 Hexapawn and play one engine-vs-engine game"
	@echo "make engines       retrain the shipped Hexapawn engines (3x3: 1 min, 4x4: 10 min)"
	@echo "make test          set up, lint, build and run every test"
	@echo "make install       link zerolab (and zerolab-uci, for chess GUIs) into PREFIX/bin (~/.local/bin)"
	@echo "make notebook      open the comparison notebook in Jupyter on RUN (runs/compare-4x4)"
	@echo "make lint | format check (swift format, architecture, shellcheck) | rewrite Swift formatting"
	@echo "make asan          every Swift test under AddressSanitizer with leak detection (.build-asan)"
	@echo "make tsan          'zerolab uci' under ThreadSanitizer, a scripted session of go/stop/isready/quit"
	@echo "make fuzz          libFuzzer on every parser of outside input, FUZZ_SECONDS (60) each"
	@echo "make fuzz-check    the same, 10 s each"
	@echo "make soak          100,000 lines into zerolab uci, then 500 arena games at 1+0.01"
	@echo "make cluster-check zerolab-cluster on a 3-node Ray cluster on this machine, against one machine's files"
	@echo "make kill-check    every long job killed KILLS (20) times and resumed: the same result as unkilled"
	@echo "make bench-solver  exact-solver positions/s on 4x4 and 5x5, against a plain Python solver"
	@echo "make bench-mcts    MCTS simulations/s on 3x3 and 5x5"
	@echo "make bench-nn      policy-value nets (reference, chess): training, memory, inference, against JAX"
	@echo "make bench-int8    int8 inference against float: a shipped engine's agreement and speed, the chess-sized net"
	@echo "make bench-zero    batched PUCT and Gumbel on chess against the network alone (simulations/s over positions/s)"
	@echo "make bench-backends  conv GEMMs and convolutions in OpenBLAS, BLIS, oneDNN, libxsmm (GFLOP/s)"
	@echo "make bench-perft   chess perft nodes/s (start d6, Kiwipete d5) against Stockfish, one thread"
	@echo "make perft-full    every depth of perftsuite.epd and tricky.perft (release; a few minutes)"
	@echo "make chess-diff    300 seeded random games checked move by move against python-chess"
	@echo "make uci-test      UCI conformance of 'zerolab uci' driven by python-chess"
	@echo "make bench-engine  alpha-beta nodes/s against Stockfish's own bench nodes/s"
	@echo "make wac           share of Win at Chess (bench/wac.epd) solved at WAC_TIME (1) s a position"
	@echo "make arena-sf      GAMES (40) games at 10+0.1 against stockfish-1350 and stockfish-1800 (long)"
	@echo "make bench-cluster zerolab-cluster (1, 2 worker nodes) against one machine: nnue gen, the loops"
	@echo "make bench-nnue    NNUE incremental evaluations/s (one core) and search nodes/s next to handcrafted"
	@echo "make nnue-loop     the NNUE self-play loop (long: data, training, arena per generation)"
	@echo "make nnue-compare  NNUE on Stockfish 15.1 labels against our own labels, same positions"
	@echo "make nnue-ship     regenerate the data and retrain the shipped engines/zerolab-nnue (about an hour)"
	@echo "make arena-nnue    the shipped NNUE engine against handcrafted, stockfish-1800 and stockfish-2200"
	@echo "make zero-ship     regenerate the data and retrain the shipped engines/zerolab-zero network (about 2.5 h)"
	@echo "make arena-zero    the shipped network engine zerolab-zero against random and stockfish-1350"

setup:
	@bash scripts/setup.sh

build: setup
	$(SWIFT) build -c $(CONFIG)

# The main job: supervised against self-play learning on 4x4 Hexapawn, 60 s of training each
# (about two minutes on 2 cores; on 3x3 both reach perfect play within seconds and the curves
# are flat); the report, plots and metrics land in runs/compare-4x4/, replaced on every run.
run: build
	rm -rf runs/compare-4x4
	$(BIN) compare hexapawn --size 4x4 --out runs/compare-4x4 --budget 60 --seed 1

# The original demo: solve 3x3 Hexapawn and watch MCTS (White) play the perfect solver (Black).
demo: build
	$(BIN) solve hexapawn --size 3x3
	@echo
	$(BIN) play hexapawn --size 3x3 --white mcts:sims=2000 --black minimax --seed 7

test: setup lint venv
	$(SWIFT) build -c $(CONFIG) --build-tests
	$(SWIFT) test -c $(CONFIG) --skip-build
	$(MAKE) --no-print-directory chess-diff
	$(MAKE) --no-print-directory uci-test
	@bash scripts/alloc_check.sh $(BIN)
	@bash scripts/cli_check.sh $(BIN)
	@bash scripts/kill_check.sh all 3 $(BIN)
	@bash scripts/corrupt_check.sh $(BIN)
	$(MAKE) --no-print-directory cluster-check
	$(MAKE) --no-print-directory notebook-check
	$(MAKE) --no-print-directory examples-check
	@bash scripts/gui_check.sh
	@bash scripts/arch_check.sh
	@bash scripts/fuzz.sh 20
	$(MAKE) --no-print-directory tsan

PREFIX ?= $(HOME)/.local
install: build
	@bash scripts/install.sh "$(PREFIX)" "$(CURDIR)/$(BIN)"

uninstall:
	@bash scripts/install.sh "$(PREFIX)" "$(CURDIR)/$(BIN)" uninstall

# Every example of the README and of every --help, run; the help texts' layout checked.
examples-check: venv
	@test -x $(BIN) || $(SWIFT) build -c $(CONFIG)
	.venv/bin/python scripts/examples_check.py $(BIN)

# The comparison notebook in Jupyter, on a run folder (make run writes runs/compare-4x4).
RUN ?= runs/compare-4x4
notebook: venv-notebook
	@bash scripts/notebook.sh "$(RUN)"

venv-notebook:
	@bash scripts/venv-notebook.sh

# The notebooks, executed headlessly on small real runs so they cannot rot (chess: a tiny net,
# 3 s of training per method, 2 ladder games against opponents that need no Stockfish; the
# study: two initializers x two seeds on 3x3 Hexapawn).
notebook-check: venv-notebook
	rm -rf .build/notebook-run
	$(BIN) compare hexapawn --size 3x3 --out .build/notebook-run --budget 3 --eval-games 2 > /dev/null
	.venv-notebook/bin/python scripts/run_notebook.py notebooks/supervised_vs_selfplay.ipynb --run .build/notebook-run
	rm -rf .build/notebook-chess
	$(BIN) nnue gen --games 2 --nodes 300 --every-position --out .build/notebook-chess/data > /dev/null
	$(BIN) compare chess --data .build/notebook-chess/data --out .build/notebook-chess/run --budget 3 --snapshots 2 \
	  --blocks 1 --channels 8 --games 2 --sims 8 --max-plies 16 --ladder-games 2 --ladder-sims 8 \
	  --opponents random,alphabeta-d1 > /dev/null
	.venv-notebook/bin/python scripts/run_notebook.py notebooks/compare-chess.ipynb --run .build/notebook-chess/run
	rm -rf .build/notebook-study
	$(BIN) study --out .build/notebook-study --vary init=he_normal,autoinit --seeds 2 --iterations 3 > /dev/null 2>&1
	.venv-notebook/bin/python scripts/run_notebook.py notebooks/study.ipynb --run .build/notebook-study
	@bash scripts/notebook_serve_check.sh .build/notebook-run

# Retrain the shipped Hexapawn engines (engines/hexapawn-3x3-zero.*, engines/hexapawn-4x4-zero.*).
engines: build
	rm -rf runs/engine-3x3 runs/engine-4x4
	$(BIN) train hexapawn --size 3x3 --out runs/engine-3x3 --budget 60 --seed 1
	$(BIN) train hexapawn --size 4x4 --out runs/engine-4x4 --budget 600 --sims 48 --games 16 --seed 1
	cp runs/engine-3x3/network.safetensors engines/hexapawn-3x3-zero.safetensors
	cp runs/engine-4x4/network.safetensors engines/hexapawn-4x4-zero.safetensors
venv:
	@bash scripts/venv.sh

# zerolab-cluster (docs/cluster.md): Ray and the driver in .venv-cluster; the checks start a
# three-node Ray cluster on 127.0.0.1 and compare its data with one machine's, byte for byte.
venv-cluster:
	@bash scripts/venv-cluster.sh

# Positions/s of zerolab nnue gen with 1 and 2 threads against zerolab-cluster with 1 and 2
# worker nodes of one CPU on this machine, the overhead per task and the figures of the scale
# arithmetic; then the loops (nnue-loop, train) against one machine (docs/cluster.md).
bench-cluster: venv-cluster
	@test -x $(BIN) || $(SWIFT) build -c $(CONFIG)
	.venv-cluster/bin/python bench/cluster_throughput.py $(BIN)
	.venv-cluster/bin/python bench/cluster_loops.py $(BIN)

cluster-check: venv-cluster
	@test -x $(BIN) || $(SWIFT) build -c $(CONFIG)
	.venv-cluster/bin/python cluster/tests/cluster_check.py $(BIN)

# Chess rules against python-chess: legal moves, SAN, FEN and game status after every ply.
chess-diff: venv
	@test -x $(BIN) || $(SWIFT) build -c $(CONFIG)
	$(BIN) chess-games --games 300 --seed 1 --max-plies 400 | .venv/bin/python scripts/chess_diff.py

# The UCI engines driven by python-chess: play, analyse, stop, mate scores, garbage input;
# the alpha-beta engine, then the shipped network engine.
uci-test: venv
	@test -x $(BIN) || $(SWIFT) build -c $(CONFIG)
	.venv/bin/python scripts/uci_conformance.py $(BIN) engines/zerolab-zero.json

WAC_TIME ?= 1
wac: build
	$(BIN) epd bench/wac.epd --move-time $(WAC_TIME) | tail -n 1

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

# swift format, the architecture check, and ShellCheck on every shell script (installed when missing).
SHELL_SCRIPTS := scripts/*.sh bench/*.sh .ci/run
lint:
	$(SWIFT) format lint --strict --recursive $(SWIFT_SOURCES)
	@python3 scripts/architecture_check.py
	@python3 scripts/docs_check.py
	@bash scripts/shellcheck.sh
	shellcheck $(SHELL_SCRIPTS)

format:
	$(SWIFT) format format --in-place --recursive $(SWIFT_SOURCES)

# Sanitizers and fuzzing (docs/checks.md), each in its own build folder so the normal build
# never sees their flags.
asan: setup
	@bash scripts/asan_check.sh

tsan: setup
	$(SWIFT) build --scratch-path .build-tsan --product zerolab -Xswiftc -sanitize=thread
	@bash scripts/tsan_check.sh .build-tsan/debug/zerolab

FUZZ_SECONDS ?= 60
fuzz: setup
	@bash scripts/fuzz.sh $(FUZZ_SECONDS)

fuzz-check: setup
	@bash scripts/fuzz.sh 10

# Long runs of the UCI engine and the arena (docs/checks.md): SOAK_LINES, SOAK_GAMES, SOAK_TC.
SOAK_LINES ?= 100000
SOAK_GAMES ?= 500
SOAK_TC ?= 1+0.01
soak: build venv
	.venv/bin/python scripts/uci_soak.py $(BIN) --lines $(SOAK_LINES)
	@bash scripts/arena_soak.sh $(BIN) $(SOAK_GAMES) $(SOAK_TC)

# Kill anywhere (docs/checks.md): each long job SIGKILLed at KILLS seeded random moments
# (KILL_SEED) and resumed must end exactly as an uninterrupted run; make test runs 3 kills.
KILLS ?= 20
.PHONY: kill-check
kill-check: build
	@bash scripts/kill_check.sh all $(KILLS) $(BIN)

bench-solver: build
	@bash bench/solver.sh $(BIN)

bench-mcts: build
	$(BIN) bench mcts --size 3x3 --size 5x5 --sims 200000

bench-perft: build
	@bash bench/perft.sh $(BIN)

venv-jax:
	@bash scripts/venv-jax.sh

bench-nn: build venv-jax
	@bash bench/nn.sh $(BIN)

# The int8 inference path against the float one: a shipped engine (agreement on every
# position of its board, speed) and the chess-sized preset network at 1 and 2 threads.
bench-int8: build
	$(BIN) bench int8 --engine hexapawn-4x4-zero --positions 8192
	$(BIN) bench nn --net chess --only infer --int8 --inference-batch 1 --inference-batch 64 --positions 1024 --threads 1
	$(BIN) bench nn --net chess --only infer --int8 --inference-batch 1 --inference-batch 64 --positions 1024 --threads 2

# Batched tree search on chess: 16 games in flight, their leaves evaluated together, against
# the same network alone on the same batches; PUCT, then Gumbel.
bench-zero: build
	$(BIN) bench zero --seconds 30
	$(BIN) bench zero --seconds 30 --root gumbel

bench-backends:
	@bash bench/backends.sh

bench-engine: build
	@bash bench/engine.sh $(BIN)

bench-nnue: build
	$(BIN) nnue bench --budget 15 --depth 9
	@test ! -f engines/zerolab-nnue.nnue || $(BIN) nnue bench --eval-file engines/zerolab-nnue.nnue --budget 5 --depth 9

# NNUE experiments (long; docs/experiments/nnue-training.md has their figures).
NNUE_GENERATIONS ?= 3
NNUE_GAMES ?= 4000
NNUE_NET := --accumulator 128 --init he_normal --lr 2e-3 --epochs 20
nnue-loop: build
	$(BIN) nnue loop --generations $(NNUE_GENERATIONS) --games $(NNUE_GAMES) --nodes 5000 --out runs/nnue-loop \
	  $(NNUE_NET) --arena-games 40 --tc 2+0.02 --seed 1

nnue-compare: build
	@bash scripts/stockfish.sh
	$(BIN) nnue compare --data runs/nnue-loop/gen0/data --positions 100000 --sf-nodes 5000 --out runs/nnue-compare \
	  $(NNUE_NET) --arena-games 40 --tc 2+0.02 --seed 1

# The shipped engines/zerolab-nnue, two generations of self-play at λ = 1 (search scores only):
# generation 0 is a net on 4000 + 8000 games of the handcrafted engine; generation 1's 17,632
# games are played by that net, and the shipped net is trained on all three sets (~3 hours on
# 2 cores, mostly data; every step resumes when rerun).
nnue-ship: build
	$(BIN) nnue gen --games 4000 --nodes 5000 --out runs/nnue-data/s1 --threads 2 --seed 1
	$(BIN) nnue gen --games 8000 --nodes 5000 --out runs/nnue-data/s2 --threads 2 --seed 2
	$(BIN) nnue train --data runs/nnue-data/s1 runs/nnue-data/s2 --out runs/nnue-ship0 $(NNUE_NET) --lambda 1 \
	  --threads 1 --resume
	$(BIN) nnue gen --games 17632 --nodes 5000 --eval-file runs/nnue-ship0/quantized.safetensors --out runs/nnue-data/s3 \
	  --threads 2 --seed 3
	$(BIN) nnue train --data runs/nnue-data/s1 runs/nnue-data/s2 runs/nnue-data/s3 --out runs/nnue-ship $(NNUE_NET) \
	  --lambda 1 --threads 1 --resume --engine zerolab-nnue

# The shipped network chess engine, engines/zerolab-zero.safetensors: every position of 2,384
# games of the alpha-beta engine on the shipped NNUE at 5000 nodes a move (310,121 positions),
# a 6x64 network trained on them for 122 measurements of 200 steps; then every position of 8,000
# further games (1,039,588 positions), 60 measurements at learning rate 0.001 and 25 at 0.0002
# (about 2.5 h on 2 cores; on one host the same seeds give the same network).
ZERO_GAMES ?= 2384
ZERO_ITERATIONS ?= 122
ZERO_MORE_GAMES ?= 8000
zero-ship: build
	$(BIN) nnue gen --games $(ZERO_GAMES) --nodes 5000 --every-position --eval-file engines/zerolab-nnue.nnue \
	  --out runs/zero-ship-data --threads 2 --seed 11
	$(BIN) supervise chess --data runs/zero-ship-data --out runs/zero-ship --iterations $(ZERO_ITERATIONS) \
	  --blocks 6 --channels 64 --steps 200 --validation 2048 --seed 1 --resume
	$(BIN) nnue gen --games $(ZERO_MORE_GAMES) --nodes 5000 --every-position --eval-file engines/zerolab-nnue.nnue \
	  --out runs/zero-ship-data2 --threads 2 --seed 12
	$(BIN) supervise chess --data runs/zero-ship-data2 --from runs/zero-ship/network.safetensors \
	  --out runs/zero-ship2 --iterations 60 --lr 0.001 --blocks 6 --channels 64 --steps 200 --validation 2048 \
	  --seed 1 --resume
	$(BIN) supervise chess --data runs/zero-ship-data2 --from runs/zero-ship2/network.safetensors \
	  --out runs/zero-ship3 --iterations 25 --lr 0.0002 --blocks 6 --channels 64 --steps 200 --validation 2048 \
	  --seed 1 --resume
	cp runs/zero-ship3/network.safetensors engines/zerolab-zero.safetensors.tmp
	mv engines/zerolab-zero.safetensors.tmp engines/zerolab-zero.safetensors

arena-zero: build
	@bash scripts/stockfish.sh
	$(BIN) arena zerolab-zero random --games $(GAMES) --tc $(TC) --pgn bench/results/arena-zero-random.pgn
	$(BIN) arena zerolab-zero stockfish-1350 --games $(GAMES) --tc $(TC) --pgn bench/results/arena-zero-sf1350.pgn

arena-nnue: build
	@bash scripts/stockfish.sh
	$(BIN) arena zerolab-nnue zerolab-hce --games $(GAMES) --tc $(TC) --pgn bench/results/arena-nnue-hce.pgn
	$(BIN) arena zerolab-nnue stockfish-1800 --games $(GAMES) --tc $(TC) --pgn bench/results/arena-nnue-sf1800.pgn
	$(BIN) arena zerolab-nnue stockfish-2200 --games $(GAMES) --tc $(TC) --pgn bench/results/arena-nnue-sf2200.pgn

bench: bench-solver bench-mcts bench-perft bench-nn bench-engine bench-nnue

clean:
	rm -rf .build
