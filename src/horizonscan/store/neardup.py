"""Near-duplicate detection (syndicated copies of one story) with MinHash + LSH.

Signatures: 128 permutations over word 5-shingles of the normalised text
(datasketch). LSH: 16 bands of 8 rows, so pairs with Jaccard similarity around
0.7 and above almost always share a band; candidates are then checked against
the threshold with the estimated Jaccard. Band keys live in the ``lsh_bands``
table, so detection works across runs and processes, on any backend.
"""

from __future__ import annotations

import hashlib

import numpy as np

from ..ingest.normalise import normalise_for_hash

NUM_PERM = 128
BANDS = 16
ROWS = NUM_PERM // BANDS
SHINGLE = 5
THRESHOLD = 0.8  # estimated Jaccard at or above which a document is a near-duplicate
MIN_WORDS = 30  # shorter texts are too small to call near-duplicates reliably


def signature(text: str) -> np.ndarray | None:
    """MinHash signature (uint64[NUM_PERM]) or None for very short texts."""
    from datasketch import MinHash

    words = normalise_for_hash(text).split()
    if len(words) < MIN_WORDS:
        return None
    shingles = {" ".join(words[i : i + SHINGLE]).encode("utf-8") for i in range(len(words) - SHINGLE + 1)}
    mh = MinHash(num_perm=NUM_PERM, seed=1)
    mh.update_batch(sorted(shingles))
    return np.asarray(mh.hashvalues, dtype=np.uint64)


def band_keys(sig: np.ndarray) -> list[tuple[int, str]]:
    """(band number, short hash of the band's rows) for every band."""
    return [
        (b, hashlib.blake2b(sig[b * ROWS : (b + 1) * ROWS].tobytes(), digest_size=8).hexdigest())
        for b in range(BANDS)
    ]


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(np.count_nonzero(a == b)) / NUM_PERM


def to_bytes(sig: np.ndarray) -> bytes:
    return sig.astype("<u8").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<u8").astype(np.uint64)
