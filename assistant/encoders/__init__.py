"""Encoders: the bundled all-MiniLM-L6-v2, run by ONNX Runtime with int8 weights (the
default, onnx_encoder.py) or by PyTorch in fp32 or bf16 (torch_encoder.py); through Ray
for a large ingest (ray_embedder.py). Each gives the same Embedder interface."""

from __future__ import annotations

from typing import Protocol

import numpy as np

from assistant.errors import ModelError


class Embedder(Protocol):
    """What the index and retrieval need from an encoder; tests supply a fake one."""

    name: str  # model name, recorded in the index manifest
    weights_sha256: str  # which weights made the vectors
    dimension: int

    def encode(self, texts: list[str], *, batch_size: int = 8, progress: bool = False) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        ...


def onnx_runtime_available() -> bool:
    try:
        import onnx  # noqa: F401
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def resolve_precision(precision: str) -> str:
    """'auto' is int8 through ONNX Runtime (a one-message batch in ~0.7 ms against ~5.7 ms for
    bf16, the same held-out quality; docs/performance.md); without ONNX Runtime, bf16 where
    the CPU has it natively (about 2.6x the passages/s of fp32, docs/performance.md), else fp32."""
    from assistant.encoders.torch_encoder import torch_precision

    if precision == "auto":
        return "int8" if onnx_runtime_available() else torch_precision("auto")
    return precision


def create_embedder(precision: str = "auto", threads: int = 0) -> Embedder:
    """The encoder for a precision setting: ONNX Runtime int8 or PyTorch (fp32, bf16)."""
    precision = resolve_precision(precision)
    if precision == "int8":
        try:
            from assistant.encoders.onnx_encoder import OnnxInt8Embedder
        except ImportError:
            raise ModelError("precision int8 needs onnxruntime and onnx: pip install onnxruntime onnx") from None
        return OnnxInt8Embedder(threads)
    from assistant.encoders.torch_encoder import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(precision, threads)
