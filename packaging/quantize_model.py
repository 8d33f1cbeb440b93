"""Store a CTranslate2 Whisper model's weights as int8, halving what the bundle ships.

The app runs Whisper with compute_type int8, so CTranslate2 quantizes the float16 weights
of the bundled tiny.en when it loads them. This does the same once, at build time, with
CTranslate2's own scheme (``ModelSpec._quantize``: one absmax scale per output row), and
writes ``weight`` as int8 plus ``weight_scale`` for every Linear and Embeddings layer.
Conv1D weights stay float16, as CTranslate2 keeps them when it quantizes at load time:
with that, every transcript of the 59 read-speech clips in the shared set came out
identical to the float16 model's. Everything else in model.bin is copied as is.

    python packaging/quantize_model.py SOURCE_MODEL_DIR TARGET_MODEL_DIR
"""

import shutil
import struct
import sys
from pathlib import Path
from typing import BinaryIO

import numpy as np

SUPPORTED_VERSIONS = (5, 6)
# Type ids in CTranslate2's DataType enum order (include/ctranslate2/types.h).
DTYPES = ("float32", "int8", "int16", "int32", "float16", "bfloat16")
QUANTIZABLE = ("weight",)
QUANTIZABLE_RANK = 2  # Linear and Embeddings; Conv1D weights (rank 3) stay as they are


def read_string(f: BinaryIO) -> str:
    """Read a length-prefixed, NUL-terminated UTF-8 string."""
    (length,) = struct.unpack("H", f.read(2))
    return f.read(length)[:-1].decode("utf-8")


def write_string(f: BinaryIO, text: str) -> None:
    """Write a string the way CTranslate2 does."""
    data = text.encode("utf-8")
    f.write(struct.pack("H", len(data) + 1) + data + b"\0")


def quantize(value: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (int8 weights, float32 scales), exactly as CTranslate2's converter does."""
    flat = value.astype(np.float32)
    amax = np.amax(np.absolute(flat), axis=1)
    amax[amax == 0] = 127.0
    amax = np.maximum(amax, np.float32(127) / np.finfo(np.float32).max)
    scale = (127.0 / amax).astype(np.float32)
    return np.rint(flat * np.expand_dims(scale, 1)).astype(np.int8), scale


def convert(source: Path, target: Path) -> None:
    """Write an int8 copy of the model folder ``source`` to ``target``."""
    with (source / "model.bin").open("rb") as f:
        (version,) = struct.unpack("I", f.read(4))
        if version not in SUPPORTED_VERSIONS:
            raise SystemExit(f"model.bin version {version} is not one of {SUPPORTED_VERSIONS}")
        name = read_string(f)
        (revision,) = struct.unpack("I", f.read(4))
        (count,) = struct.unpack("I", f.read(4))
        variables: list[tuple[str, np.ndarray]] = []
        for _ in range(count):
            var_name = read_string(f)
            (rank,) = struct.unpack("B", f.read(1))
            shape = struct.unpack(f"{rank}I", f.read(4 * rank))
            (type_id,) = struct.unpack("B", f.read(1))
            (size,) = struct.unpack("I", f.read(4))
            data = np.frombuffer(f.read(size), dtype=DTYPES[type_id]).reshape(shape)
            variables.append((var_name, data))
        (alias_count,) = struct.unpack("I", f.read(4))
        aliases = [(read_string(f), read_string(f)) for _ in range(alias_count)]
        if f.read(1):
            raise SystemExit("model.bin has trailing data this tool does not understand")

    names = {n for n, _ in variables}
    out: list[tuple[str, np.ndarray]] = []
    for var_name, value in variables:
        key = var_name.rsplit("/", 1)[-1]
        if (key in QUANTIZABLE and value.ndim == QUANTIZABLE_RANK and value.dtype != np.int8
                and f"{var_name}_scale" not in names):
            weights, scale = quantize(value)
            out += [(var_name, weights), (f"{var_name}_scale", scale)]
        else:
            out.append((var_name, value))

    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("model.bin"))
    with (target / "model.bin").open("wb") as f:
        f.write(struct.pack("I", version))
        write_string(f, name)
        f.write(struct.pack("<II", revision, len(out)))
        for var_name, value in out:
            write_string(f, var_name)
            f.write(struct.pack("B", value.ndim) + struct.pack(f"{value.ndim}I", *value.shape))
            data = np.ascontiguousarray(value).tobytes()
            f.write(struct.pack("<BI", DTYPES.index(value.dtype.name), len(data)) + data)
        f.write(struct.pack("I", len(aliases)))
        for alias, variable in aliases:
            write_string(f, alias)
            write_string(f, variable)


def main() -> None:
    """Convert the folder named on the command line."""
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    convert(Path(sys.argv[1]), Path(sys.argv[2]))


if __name__ == "__main__":
    main()
