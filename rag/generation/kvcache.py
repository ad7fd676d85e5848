"""Stage 6a: a cache of the generator's KV state for prompt heads ("instructions + top item").

On 2 CPU cores, processing the prompt dominates the wait for the first token (the 1.5B model
reads ~90 prompt tokens/s). Every prompt starts with the fixed instructions followed by the top
item's block, and there are only as many distinct blocks as chunks (~73): their KV state is
computed once, kept in RAM (LRU, bounded) and on disk, and restored in milliseconds, so at question
time only the question and any secondary items are processed.

A state is only valid for the exact model file, context size and llama.cpp build that made it: the
fingerprint names the folder, so a changed model never restores a stale state. A file that cannot
be read is a miss (deleted and recomputed), never an error.
"""

from __future__ import annotations

import hashlib
import struct
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

_MAGIC = b"RAGKV1\n"


@dataclass(frozen=True)
class PrefixState:
    tokens: tuple[int, ...]  # the prompt-head tokens whose KV this is
    kv: bytes  # llama_state_seq_get_data of sequence 0

    @property
    def nbytes(self) -> int:
        return len(self.kv) + 4 * len(self.tokens)


def head_key(tokens: list[int] | tuple[int, ...]) -> str:
    return hashlib.sha1(np.asarray(tokens, dtype=np.int32).tobytes()).hexdigest()


def fingerprint(*parts: object) -> str:
    return hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()[:16]


class PrefixCache:
    """Token-prefix → KV state, in RAM (least recently used dropped beyond ``capacity_bytes``) and,
    when ``directory`` is set, on disk (one file per head) so a restart starts warm."""

    def __init__(self, capacity_bytes: int, directory: Path | None = None) -> None:
        self.capacity = capacity_bytes
        self.dir = directory
        self._mem: OrderedDict[str, PrefixState] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0
        if self.dir is not None:
            self.dir.mkdir(parents=True, exist_ok=True)

    def __len__(self) -> int:
        return len(self._mem)

    def _path(self, key: str) -> Path | None:
        return self.dir / f"{key}.kv" if self.dir is not None else None

    def get(self, key: str) -> PrefixState | None:
        with self._lock:
            st = self._mem.get(key)
            if st is not None:
                self._mem.move_to_end(key)
                self.hits += 1
                return st
        st = self._read(key)
        with self._lock:
            if st is None:
                self.misses += 1
                return None
            self.hits += 1
        self._remember(key, st)
        return st

    def put(self, key: str, state: PrefixState) -> None:
        self._remember(key, state)
        path = self._path(key)
        if path is not None:
            tmp = path.with_suffix(".tmp")
            with tmp.open("wb") as f:
                f.write(_MAGIC + struct.pack("<II", len(state.tokens), len(state.kv)))
                f.write(np.asarray(state.tokens, dtype=np.int32).tobytes())
                f.write(state.kv)
            tmp.replace(path)  # atomic: a crash mid-write leaves no half file under the real name

    def _remember(self, key: str, state: PrefixState) -> None:
        with self._lock:
            if key in self._mem:
                return
            self._mem[key] = state
            self._bytes += state.nbytes
            while self._bytes > self.capacity and len(self._mem) > 1:
                _, old = self._mem.popitem(last=False)
                self._bytes -= old.nbytes

    def _read(self, key: str) -> PrefixState | None:
        path = self._path(key)
        if path is None or not path.is_file():
            return None
        try:
            data = path.read_bytes()
            if not data.startswith(_MAGIC):
                raise ValueError("bad magic")
            n_tok, n_kv = struct.unpack_from("<II", data, len(_MAGIC))
            start = len(_MAGIC) + 8
            tokens = np.frombuffer(data, dtype=np.int32, count=n_tok, offset=start)
            kv = data[start + 4 * n_tok :]
            if len(kv) != n_kv or head_key(tokens.tolist()) != key:
                raise ValueError("truncated or mismatched")
            return PrefixState(tuple(int(t) for t in tokens), kv)
        except (OSError, ValueError, struct.error):
            path.unlink(missing_ok=True)  # corrupt: recompute rather than fail
            return None

    def discard(self, key: str) -> None:
        """Forget a state llama.cpp refused to restore (e.g. a file from another build)."""
        with self._lock:
            st = self._mem.pop(key, None)
            if st is not None:
                self._bytes -= st.nbytes
        path = self._path(key)
        if path is not None:
            path.unlink(missing_ok=True)

    def prune(self, keep: set[str]) -> int:
        """Delete the states of heads not in ``keep`` (items removed or changed since): from RAM and
        disk. Returns how many files were deleted."""
        with self._lock:
            for key in [k for k in self._mem if k not in keep]:
                self._bytes -= self._mem.pop(key).nbytes
        if self.dir is None:
            return 0
        stale = [p for p in self.dir.glob("*.kv") if p.stem not in keep]
        for path in stale:
            path.unlink(missing_ok=True)
        return len(stale)

    def stats(self) -> dict[str, int]:
        return {"entries": len(self._mem), "bytes": self._bytes, "hits": self.hits, "misses": self.misses}
