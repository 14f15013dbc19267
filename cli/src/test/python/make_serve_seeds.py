"""Seeds for the server's request-parser fuzz tests (cli/src/test/java/dev/panamax/cli/fuzz/Serve*FuzzTest), and one
pyarrow-made stream for apps' ParsersTest.

Each seed is a valid :predict body for a tiny one-channel image model, input (2, 2, 1), as a client would send it
(small seeds let Jazzer mutate them fast); Jazzer mutates them. Run from the repository root with numpy and pyarrow importable:
    PYTHONPATH=/path/to/pyarrow python3 cli/src/test/python/make_serve_seeds.py
The PNG seeds are copies of ImageFuzzTestInputs/png (made by hand earlier), so they are not written here.
"""
import io
import json
import pathlib

import numpy as np
import pyarrow as pa

ROOT = pathlib.Path("cli/src/test/resources/dev/panamax/cli/fuzz")
rng = np.random.default_rng(22)
x = rng.random((2, 2, 2, 1), dtype=np.float32).round(2)


def seed(cls, method, name, data):
    d = ROOT / f"{cls}Inputs" / method
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)


# JSON: the full shape, without the channel axis, flat, two instances, and an ignored extra field.
seed("ServeJsonFuzzTest", "json", "one-2x2x1.json", json.dumps({"instances": x[:1].tolist()}).encode())
seed("ServeJsonFuzzTest", "json", "one-2x2.json", json.dumps({"instances": x[:1, :, :, 0].tolist()}).encode())
seed("ServeJsonFuzzTest", "json", "two-flat.json",
     json.dumps({"signature_name": "serving_default", "instances": x.reshape(2, -1).tolist()}).encode())


# .npy: float32 and float64 (np.save writes version 1.0; version 3.0 by hand through numpy's own writer).
def npy(a, version=None):
    b = io.BytesIO()
    if version is None:
        np.save(b, a)
    else:
        np.lib.format.write_array(b, a, version=version)
    return b.getvalue()


seed("ServeNpyFuzzTest", "npy", "two-f32.npy", npy(x))
seed("ServeNpyFuzzTest", "npy", "one-f64-2x2.npy", npy(x[:1, :, :, 0].astype(np.float64)))
seed("ServeNpyFuzzTest", "npy", "one-f32-v3.npy", npy(x[:1], version=(3, 0)))


# Arrow IPC streams: a FixedSizeList<float32>[4] column, float64 values, two record batches, and pyarrow's
# canonical fixed-shape tensor extension.
def stream(table_or_batches):
    sink = pa.BufferOutputStream()
    batches = table_or_batches if isinstance(table_or_batches, list) else table_or_batches.to_batches()
    with pa.ipc.new_stream(sink, batches[0].schema) as w:
        for b in batches:
            w.write_batch(b)
    return sink.getvalue().to_pybytes()


flat = x.reshape(-1)
col32 = pa.FixedSizeListArray.from_arrays(pa.array(flat, pa.float32()), 4)
col64 = pa.FixedSizeListArray.from_arrays(pa.array(flat.astype(np.float64)), 4)
seed("ServeArrowFuzzTest", "arrow", "two-f32.arrows", stream(pa.table({"instances": col32})))
seed("ServeArrowFuzzTest", "arrow", "two-f64.arrows", stream(pa.table({"instances": col64})))
b1 = pa.record_batch({"instances": col32.slice(0, 1)})
b2 = pa.record_batch({"instances": col32.slice(1, 1)})
seed("ServeArrowFuzzTest", "arrow", "two-batches.arrows", stream([b1, b2]))
seed("ServeArrowFuzzTest", "arrow", "tensor-extension.arrows",
     stream(pa.table({"instances": pa.FixedShapeTensorArray.from_numpy_ndarray(x)})))

# A fixture for the apps module's ParsersTest: pyarrow's tensor-extension stream and the same values as JSON.
APPS = pathlib.Path("apps/src/test/resources/dev/panamax/apps/serve")
APPS.mkdir(parents=True, exist_ok=True)
(APPS / "pyarrow-tensor-2x2x2x1.arrows").write_bytes(stream(pa.table({"instances": pa.FixedShapeTensorArray.from_numpy_ndarray(x)})))
(APPS / "pyarrow-tensor-2x2x2x1.json").write_bytes(json.dumps({"instances": x.tolist()}).encode())
