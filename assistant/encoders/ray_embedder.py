"""Encoding through Ray Data for `ingest --ray [ADDRESS]`: an actor pool of encoders on a
Ray cluster (a local one when no address is given), GPUs requested when the cluster has
them. Ray is imported only here, and only for such an ingest.

Encoding is ~95% of an ingest (docs/scaling.md); reading, chunking and writing the index
stay in this process, which writes the index folder exactly as a local ingest does (built
aside, switched in by the manifest), so a cluster that fails mid-ingest leaves the previous
index as it was.
"""

from __future__ import annotations

import logging
import socket
from urllib.parse import urlsplit

import numpy as np

from assistant.encoders import create_embedder, resolve_precision
from assistant.encoders.onnx_encoder import TOKENIZE_SLICE
from assistant.errors import RayIngestError, first_line

# Seconds to wait for a cluster's address to accept a connection: ray.init itself waits
# minutes for an address nothing listens on.
CONNECT_TIMEOUT_S = 5


class _Encoder:
    """One per actor: the same encoder as a local ingest, loaded once. Each Ray row is one
    slice of texts, the slices the local encoder would make (the texts in order of length,
    TOKENIZE_SLICE at a time), so every text is batched with the same neighbours and its
    vector is the one a local ingest computes (int8 activations are scaled per batch)."""

    def __init__(self, precision: str, batch_size: int):
        self.embedder = create_embedder(precision, threads=1)
        self.batch_size = batch_size

    def __call__(self, batch: dict) -> dict:
        rows = np.concatenate([np.asarray(r, dtype=np.int64) for r in batch["rows"]])
        texts = [str(t) for part in batch["texts"] for t in part]
        return {"row": rows, "vector": self.encode_texts(texts)}

    def encode_texts(self, texts: list[str]) -> np.ndarray:
        return self.embedder.encode(texts, batch_size=self.batch_size)


class RayEmbedder:
    """An Embedder whose encode() runs on a Ray cluster; its vectors are those of the local
    encoder of the same precision (recorded in the manifest like any other)."""

    def __init__(self, address: str | None, precision: str = "auto", workers: int | None = None):
        try:
            import ray
        except ImportError:
            raise RayIngestError("ingest --ray needs Ray: pip install 'ray[data]'") from None
        _check_reachable(address)
        self.precision = resolve_precision(precision)
        # The model's identity and checked weights; loading it here also exports the int8
        # model once, before the actors (which load it from that cache) start.
        local = create_embedder(self.precision)
        self.name, self.weights_sha256, self.dimension = local.name, local.weights_sha256, local.dimension
        try:
            ray.init(address=address or None, ignore_reinit_error=True, log_to_driver=False, logging_level=logging.ERROR)
        except Exception as exc:
            raise RayIngestError(f"cannot start or reach the Ray cluster at {address or 'a new local one'}: {first_line(exc)}") from None
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = False  # the ingest prints its own summary
        context.print_on_execution_start = False
        logging.getLogger("ray.data").setLevel(logging.WARNING)
        resources = ray.cluster_resources()
        self.gpus = int(resources.get("GPU", 0))
        self.workers = workers or max(1, self.gpus or int(resources.get("CPU", 1)))
        self.encoder_class = _Encoder  # what each actor runs (a test puts a failing one here)

    def encode(self, texts: list[str], *, batch_size: int = 8, progress: bool = False) -> np.ndarray:
        import ray

        if not texts:
            return np.zeros((0, self.dimension), np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # as the local encoder orders them
        slices = [order[at : at + TOKENIZE_SLICE] for at in range(0, len(order), TOKENIZE_SLICE)]
        try:
            dataset = ray.data.from_items([{"rows": rows, "texts": [texts[i] for i in rows]} for rows in slices])
            encoded = dataset.map_batches(
                self.encoder_class,
                fn_constructor_kwargs={"precision": self.precision, "batch_size": batch_size},
                batch_size=1,  # one slice per call
                batch_format="numpy",
                udf_modifying_row_count=True,
                compute=ray.data.ActorPoolStrategy(size=self.workers),
                num_cpus=0 if self.gpus else 1,
                num_gpus=1 if self.gpus else 0,
            )
            out = np.zeros((len(texts), self.dimension), np.float32)
            seen = 0
            for batch in encoded.iter_batches(batch_size=None, batch_format="numpy"):
                out[batch["row"]] = batch["vector"]
                seen += len(batch["row"])
        except Exception as exc:
            raise RayIngestError(f"the Ray cluster failed while encoding: {first_line(exc)}") from None
        if seen != len(texts):
            raise RayIngestError(f"the Ray cluster returned {seen} vectors for {len(texts)} texts")
        return out


def _check_reachable(address: str | None) -> None:
    """A host:port (or ray://host:port) address must accept a connection within seconds;
    none or "auto" (a cluster on this machine, found by Ray itself) is not checked."""
    if not address or address == "auto":
        return
    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        host, port = None, None
    if not host or not port:
        raise RayIngestError(f"Ray address {address!r} is not host:port, ray://host:port or auto")
    try:
        socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_S).close()
    except OSError as exc:
        raise RayIngestError(
            f"cannot reach the Ray cluster at {address} ({exc.strerror or exc}); start it (ray start --head) "
            "or ingest without --ray"
        ) from None
