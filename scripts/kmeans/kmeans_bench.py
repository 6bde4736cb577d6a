"""scikit-learn's side of `segflow-bench kmeans`.

Reads the matrix and the initial centroids segflow wrote (float64, little-endian, row-major),
runs KMeans(algorithm="lloyd", n_init=1, init=<those centroids>, max_iter, tol=0) -- tol 0
stops only when an iteration changes no label, as segflow does -- and writes the labels
(int32) and a JSON line with inertia, iterations, seconds and threads.

usage: kmeans_bench.py MATRIX INIT ROWS COLUMNS K MAX_ITER LABELS_OUT
"""
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.cluster import KMeans
from threadpoolctl import threadpool_info


def main():
    matrix_path, init_path, rows, columns, k, max_iter, labels_path = sys.argv[1:8]
    rows, columns, k, max_iter = int(rows), int(columns), int(k), int(max_iter)
    x = np.fromfile(matrix_path, dtype="<f8").reshape(rows, columns)
    init = np.fromfile(init_path, dtype="<f8").reshape(k, columns)
    model = KMeans(n_clusters=k, init=init, n_init=1, algorithm="lloyd", max_iter=max_iter, tol=0.0,
                   copy_x=True, random_state=0)
    started = time.perf_counter()
    model.fit(x)
    seconds = time.perf_counter() - started
    model.labels_.astype("<i4").tofile(labels_path)
    threads = max((pool.get("num_threads", 1) for pool in threadpool_info()), default=1)
    print(json.dumps({
        "inertia": float(model.inertia_),
        "iterations": int(model.n_iter_),
        "seconds": seconds,
        "threads": threads,
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
    }))


if __name__ == "__main__":
    main()
