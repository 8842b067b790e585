"""Keras's time per epoch for the LSTM configuration perfspec's `lstm/epoch` benchmark trains.

    python3 scripts/keras_lstm_epoch.py DIR [epochs]

DIR holds the windows `cargo run --release -p perfspec --example lstm_windows -- DIR` writes.
The network is perfspec's type output: Embedding 32 -> LSTM 64 -> Dropout 0.2 -> Dense over the
vocabulary, Adam at 0.01, batch 64, shuffled each epoch, validated after each epoch. One thread,
as the benchmark on our side. Prints one JSON object: every epoch's seconds and their median
without the first (which builds the graph).
"""

import json
import os
import statistics
import sys
import time

os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402

tf.config.threading.set_intra_op_parallelism_threads(1)
tf.config.threading.set_inter_op_parallelism_threads(1)


def windows(path):
    rows = np.loadtxt(path, delimiter=",", dtype=np.int32, ndmin=2)
    return rows[:, :-1], rows[:, -1]


def main():
    directory = sys.argv[1]
    epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    with open(os.path.join(directory, "shape.json")) as handle:
        shape = json.load(handle)
    x_train, y_train = windows(os.path.join(directory, "train.csv"))
    x_valid, y_valid = windows(os.path.join(directory, "validation.csv"))
    keras.utils.set_random_seed(1)
    model = keras.Sequential(
        [
            keras.Input(shape=(shape["window"],), dtype="int32"),
            keras.layers.Embedding(shape["vocabulary"], 32),
            keras.layers.LSTM(64),
            keras.layers.Dropout(0.2),
            keras.layers.Dense(shape["vocabulary"]),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.01),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )

    class Clock(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.seconds = []

        def on_epoch_begin(self, epoch, logs=None):
            self.started = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(time.perf_counter() - self.started)

    clock = Clock()
    history = model.fit(
        x_train,
        y_train,
        batch_size=64,
        epochs=epochs,
        shuffle=True,
        validation_data=(x_valid, y_valid),
        callbacks=[clock],
        verbose=0,
    )
    print(
        json.dumps(
            {
                "framework": f"keras {keras.__version__} / tensorflow {tf.__version__}",
                "epoch_seconds": clock.seconds,
                "median_after_first": statistics.median(clock.seconds[1:] or clock.seconds),
                "validation_loss": history.history["val_loss"],
            }
        )
    )


if __name__ == "__main__":
    main()
