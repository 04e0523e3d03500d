"""The sentence-transformers model on ONNX Runtime: same vectors, no torch at query time.

Importing sentence-transformers pulls in torch and transformers (seconds of
start-up on these machines); ONNX Runtime and ``tokenizers`` load in a fraction
of that. The model is exported once with torch (at ingest time) and cached
under the index folder; query-time code only reads the export.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from mentor.errors import ConfigError

EXPORT_NAME = "model.onnx"
MAX_TOKENS = 256  # all-MiniLM-L6-v2's max_seq_length


class OnnxEmbeddings(Embeddings):
    def __init__(self, export_dir: Path):
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(
            str(export_dir / EXPORT_NAME), options, providers=["CPUExecutionProvider"]
        )
        self.input_names = {i.name for i in self.session.get_inputs()}
        self.tokenizer = Tokenizer.from_file(str(export_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding()
        self.export_dir = export_dir

    @staticmethod
    def _export_dir(model_name: str, cache_root: Path) -> Path:
        from mentor.documents import slug

        return cache_root / slug(model_name)

    @classmethod
    def cached(cls, model_name: str, cache_root: Path) -> OnnxEmbeddings | None:
        export_dir = cls._export_dir(model_name, cache_root)
        if (export_dir / EXPORT_NAME).exists() and (export_dir / "tokenizer.json").exists():
            return cls(export_dir)
        return None

    @classmethod
    def for_model(cls, model_name: str, cache_root: Path) -> OnnxEmbeddings:
        return cls.cached(model_name, cache_root) or cls(export_model(model_name, cls._export_dir(model_name, cache_root)))

    def _encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        # Batch texts of similar length together (as sentence-transformers does): far less padding.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        vectors = self._encode_batches([texts[i] for i in order], batch_size)
        result = np.empty_like(vectors)
        result[order] = vectors
        return result

    def _encode_batches(self, texts: list[str], batch_size: int) -> np.ndarray:
        out = []
        for start in range(0, len(texts), batch_size):
            encodings = self.tokenizer.encode_batch(texts[start:start + batch_size])
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            feeds = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self.input_names:
                feeds["token_type_ids"] = np.zeros_like(ids)
            hidden = self.session.run(None, feeds)[0]
            # Mean pooling over real tokens, then unit length: as sentence-transformers does.
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            out.append(pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None))
        return np.vstack(out)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._encode(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self._encode([text])[0].tolist()


def export_model(model_name: str, export_dir: Path) -> Path:
    """Export the transformer of a sentence-transformers model to ONNX (needs torch once)."""
    import torch
    from sentence_transformers import SentenceTransformer

    from mentor.embeddings import model_path

    path = model_path(model_name)
    model = SentenceTransformer(path, device="cpu", local_files_only=True)
    modules = list(model)
    pooling = getattr(modules[1], "pooling_mode_mean_tokens", True) if len(modules) > 1 else True
    if not pooling:
        raise ConfigError(f"The ONNX path supports mean-pooled models only; '{model_name}' is not one.")
    transformer = modules[0].auto_model.eval()
    tokenizer_file = Path(path) / "tokenizer.json"
    if not tokenizer_file.exists():
        raise ConfigError(f"The model '{model_name}' has no tokenizer.json for the ONNX path.")
    export_dir.mkdir(parents=True, exist_ok=True)
    sample = modules[0].tokenizer(["an example sentence"], return_tensors="pt")
    names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in sample]
    axes = {n: {0: "batch", 1: "tokens"} for n in names} | {"hidden": {0: "batch", 1: "tokens"}}

    class Wrapped(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, *args):
            return self.inner(**dict(zip(names, args))).last_hidden_state

    tmp = export_dir / (EXPORT_NAME + ".tmp")
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the tracer's notes on shapes are not the user's concern
        torch.onnx.export(
            Wrapped(transformer), tuple(sample[n] for n in names), str(tmp),
            input_names=names, output_names=["hidden"], dynamic_axes=axes, opset_version=17, dynamo=False,
        )
    (export_dir / "tokenizer.json").write_bytes(tokenizer_file.read_bytes())
    (export_dir / "source.json").write_text(json.dumps({"model": model_name, "path": path}))
    tmp.replace(export_dir / EXPORT_NAME)  # atomic: a half-written export is never loaded
    return export_dir
