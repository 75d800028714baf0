"""The bundled all-MiniLM-L6-v2 run by ONNX Runtime with int8 weights: the same model, several
times faster on a CPU for the one-message batches a chat sends.

The ONNX file is made on this machine from the bundled PyTorch weights (nothing is
downloaded): the model with its mean pooling and normalisation exported once, its
matrix multiplications quantized to int8 per output channel (dynamic quantization; the
embedding table and layer norms stay float). Its vectors are within cosine 0.99 of the
fp32 model's (docs/performance.md). Dynamic quantization scales activations per batch,
so the texts encoded with one move its vector by about as much (cosine >= 0.99); the
same texts always give the same vectors. The file is cached and checked by hash on
load; a damaged or stale one is made again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from assistant.encoders.bundled import DIMENSION, MODEL_NAME, WEIGHTS_SHA256, bundled_model_dir, verify_weights

MAX_TOKENS = 256  # the model's own limit (sentence-transformers config)
TOKENIZE_SLICE = 512  # texts tokenized at a time, so a whole corpus is never held at once
# A batch holds texts whose token counts differ by at most this factor (or by a few tokens,
# which cost less than another run): padding is work thrown away, and a long message is
# better encoded apart from its short triage clauses.
MAX_PADDING_FACTOR = 1.3
MAX_PADDING_TOKENS = 16
RECIPE = "mean-pool+l2, opset 17, int8 per-channel MatMul (dynamic)"  # changes here make a new file


def cache_dir() -> Path:
    """Where the exported model is kept: ASSISTANT_ENCODER_CACHE, else the user's cache folder."""
    configured = os.environ.get("ASSISTANT_ENCODER_CACHE")
    if configured:
        return Path(configured)
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "physician-answer-assistant"


class OnnxInt8Embedder:
    name = MODEL_NAME
    weights_sha256 = WEIGHTS_SHA256
    dimension = DIMENSION
    precision = "int8"

    def __init__(self, threads: int = 0, model_dir: Path | None = None, cache: Path | None = None):
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        import onnxruntime
        from transformers import AutoTokenizer

        model_dir = model_dir or bundled_model_dir()
        verify_weights(model_dir)
        self._tokenizer = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
        path = _exported_model(model_dir, cache or cache_dir())
        # One core per run, and with several cores several runs at once (the batches of a
        # long ingest, or of a long message and its clauses): on 2 cores 588 passages/s
        # against 535/s for one run on two cores.
        options = onnxruntime.SessionOptions()
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.inter_op_num_threads = 1
        options.intra_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        workers = max(1, threads or os.cpu_count() or 1)
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="encoder") if workers > 1 else None
        self._tokenizer_lock = threading.Lock()  # a fast tokenizer refuses concurrent calls

    def encode(self, texts: list[str], *, batch_size: int = 8, progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        slices = range(0, len(order), TOKENIZE_SLICE)
        parts = [order[at : at + TOKENIZE_SLICE] for at in slices]
        if len(parts) > 1 and self._pool is not None:
            # Many texts (an ingest): slices side by side, each slice's batches in turn.
            done = self._pool.map(lambda rows: self._encode_slice(texts, rows, batch_size, out, False), parts)
        else:
            done = (self._encode_slice(texts, rows, batch_size, out, True) for rows in parts)
        if progress:
            from tqdm import tqdm

            done = tqdm(done, total=len(parts), desc=f"Slices of {TOKENIZE_SLICE} texts")
        for _ in done:
            pass
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return out

    def _encode_slice(self, texts: list[str], rows: list[int], batch_size: int, out: np.ndarray, side_by_side: bool) -> None:
        """Encode texts[rows] into out[rows]; side_by_side: its batches run at once (a long
        message and its short clauses) rather than in turn."""
        with self._tokenizer_lock:
            features = self._tokenizer(
                [texts[i] for i in rows], padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="np"
            )
        input_ids = features["input_ids"].astype(np.int64, copy=False)
        mask = features["attention_mask"].astype(np.int64, copy=False)
        lengths = mask.sum(axis=1).tolist()

        def run(batch: list[int]) -> None:
            width = max(lengths[j] for j in batch)
            feed = {"input_ids": input_ids[batch, :width], "attention_mask": mask[batch, :width]}
            out[[rows[j] for j in batch]] = self._session.run(None, feed)[0]  # rows no other batch writes

        batches = _batches(lengths, batch_size)
        if len(batches) == 1 or self._pool is None or not side_by_side:
            for batch in batches:
                run(batch)
        else:
            # Costliest first (padded tokens): a long message started last would run alone
            # after its clauses (its longest MEDIQA message: 45 -> 32 ms).
            batches.sort(key=lambda batch: -len(batch) * max(lengths[j] for j in batch))
            list(self._pool.map(run, batches))


def _batches(lengths: list[int], batch_size: int) -> list[list[int]]:
    """Row numbers in batches of at most batch_size texts of similar token counts."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    batches: list[list[int]] = []
    for i in order:
        last = batches[-1] if batches else None
        shortest = lengths[last[0]] if last else 0
        if last and len(last) < batch_size and lengths[i] <= max(MAX_PADDING_FACTOR * shortest, shortest + MAX_PADDING_TOKENS):
            last.append(i)
        else:
            batches.append([i])
    return batches


def _exported_model(model_dir: Path, cache: Path) -> Path:
    """The int8 ONNX file for these weights, made if missing or not what its record says."""
    import onnxruntime

    folder = cache / f"minilm-{WEIGHTS_SHA256[:16]}-ort{onnxruntime.__version__}"
    model, record = folder / "model-int8.onnx", folder / "model-int8.json"
    if model.is_file() and record.is_file():
        try:
            saved = json.loads(record.read_text())
            if saved.get("recipe") == RECIPE and saved.get("sha256") == _sha256(model):
                return model
        except (OSError, ValueError):
            pass
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder) as work, _quiet():
        float_path, int8_path = Path(work) / "model.onnx", Path(work) / "model-int8.onnx"
        _export(model_dir, float_path)
        from onnxruntime.quantization import QuantType, quantize_dynamic

        quantize_dynamic(float_path, int8_path, weight_type=QuantType.QInt8, op_types_to_quantize=["MatMul"], per_channel=True)
        os.replace(int8_path, model)  # atomic: a reader sees the old file or the new one
    record.write_text(json.dumps({"recipe": RECIPE, "sha256": _sha256(model), "weights_sha256": WEIGHTS_SHA256}))
    return model


@contextmanager
def _quiet():
    """The exporter's tracer warnings and the quantizer's advice to pre-process the model
    are for whoever writes the recipe, not for a user starting the chat."""
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        root.setLevel(level)


def _export(model_dir: Path, path: Path) -> None:
    import torch
    import transformers
    from transformers import AutoModel, AutoTokenizer

    transformers.utils.logging.disable_progress_bar()

    class Pooled(torch.nn.Module):
        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask):
            hidden = self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=1)

    tokenizer = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
    model = AutoModel.from_pretrained(str(model_dir), local_files_only=True).eval()
    sample = tokenizer(["a sample", "another sample text"], padding=True, return_tensors="pt")
    with torch.inference_mode():
        torch.onnx.export(
            Pooled(model),
            (sample["input_ids"], sample["attention_mask"]),
            str(path),
            input_names=["input_ids", "attention_mask"],
            output_names=["embedding"],
            dynamic_axes={"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"}, "embedding": {0: "batch"}},
            opset_version=17,
            dynamo=False,
        )


def _sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()
