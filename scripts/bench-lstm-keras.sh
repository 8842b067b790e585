#!/usr/bin/env bash
# One LSTM epoch of ours against one of Keras, on the same windows of the sample (chronological
# split, window 2), the same network (embedding 32, hidden 64, dropout 0.2, Adam 0.01, batch 64),
# one thread each, one after the other on this machine:
#
#   bash scripts/bench-lstm-keras.sh [PYTHON]
#
# PYTHON must import TensorFlow and Keras (for example a venv with
# `pip install tensorflow-cpu==2.21.0 keras==3.15.1`). Figures go to BENCHMARKS.md,
# "LSTM training against Keras".
set -euo pipefail
cd "$(dirname "$0")/.."
python=${1:-python3}
windows=$(mktemp -d)
trap 'rm -rf "$windows"' EXIT
cargo run --release -q -p perfspec --example lstm_windows -- "$windows" 2
echo "Keras (10 epochs; the median leaves out the first, which builds the graph):"
taskset -c 0 "$python" scripts/keras_lstm_epoch.py "$windows" 10
echo "perfspec (criterion, one epoch with its validation):"
taskset -c 0 cargo bench -q -p perfspec --bench models -- lstm/epoch
