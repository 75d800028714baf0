"""The bundled model run by PyTorch through sentence-transformers, in fp32 or bf16
(ASSISTANT_PRECISION=fp32 or bf16; the default is onnx_encoder.py's int8)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from assistant.encoders.bundled import DIMENSION, MODEL_NAME, WEIGHTS_SHA256, bundled_model_dir, verify_weights
from assistant.errors import ModelError


def cpu_has_native_bf16() -> bool:
    """Whether this CPU computes bf16 natively (AVX512-BF16 or AMX); elsewhere bf16 is emulated and slow."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def torch_precision(precision: str) -> str:
    """PyTorch's arithmetic for a setting: 'auto' is bf16 where the CPU has it natively."""
    if precision == "auto":
        return "bf16" if cpu_has_native_bf16() else "fp32"
    if precision not in ("fp32", "bf16"):
        raise ModelError(f"PyTorch runs the encoder in fp32 or bf16, not {precision}")
    return precision


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
