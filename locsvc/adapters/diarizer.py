"""Diarization behind the Diarizer port: phrase voice embeddings (the packaged CAM++
encoder, speaker_encoder.py) clustered into speakers by average-linkage clustering (SciPy), the
speaker count where voices differ more than one voice varies, within the producer's
hints. (Spectral clustering, made for dense 0.4 s windows, did worse on the few dozen
phrases of a scene: 0.45 confusion on the three-voice dialogue against 0.0 here.)

Phrases come from the recogniser's own word times (its VAD has already removed the
silence), cut where the words pause: a speaker rarely changes without one. Phrases long
enough to carry a voice (``RELIABLE_MS``) are clustered; shorter ones ("Hello?") take
the nearest speaker's label, leaning to their neighbours' when the evidence is weak."""

from __future__ import annotations

import wave
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..domain.diarization import (
    Diarization,
    Phrase,
    SpeakerHints,
    VoiceProfile,
    label_in_order,
    phrases_of,
    turns_of_words,
)
from ..domain.errors import StageFailed
from ..domain.segmentation import ends_sentence
from ..domain.transcript import Word
from .speaker_encoder import EMBEDDING_SIZE, SAMPLE_RATE, SpeakerEncoder
from .voice_pitch import median_pitch

RELIABLE_MS = 1000  # phrases at least this long are clustered
SHORTEST_MS = 300  # shorter ones are not embedded at all: they follow their neighbours
DEFAULT_MAX_SPEAKERS = 20  # when no hint: the most an episode is searched for
# CAM++ cosine similarity of phrases: one voice 0.5-0.8, two voices 0.0-0.45 (a telephone
# call between two women included); clusters closer than this are one voice.
SAME_VOICE_DISTANCE = 0.6
# a short phrase's voice must be this much closer to another speaker than to its
# neighbours' to be given to them
OUTSIDER_MARGIN = 0.15
STRAY_VOICE_MS = 4000  # a "voice" heard for less than this is folded into its nearest
STRAY_VOICE_SHARE = 0.03
MID_SENTENCE_GAP_MS = 600  # a pause shorter than this inside a sentence keeps its speaker


@lru_cache(maxsize=2)
def _encoder(weights: str | None) -> SpeakerEncoder:
    return SpeakerEncoder(Path(weights) if weights else None)


class EmbeddingDiarizer:
    name = "campplus-agglomerative"

    def __init__(self, weights: Path | None = None) -> None:
        self.weights = str(weights) if weights else None

    def describe(self) -> dict:
        return {"engine": self.name, **_encoder(self.weights).describe()}

    def diarize(
        self, audio_path: Path, words: Sequence[Word], hints: SpeakerHints | None = None
    ) -> Diarization:
        words, hints = list(words), hints or SpeakerHints()
        parameters = {"hints": hints.to_dict(), "reliable_ms": RELIABLE_MS}
        if not words:
            return Diarization((), (), (), self.name, parameters)
        samples = read_wav(audio_path)
        phrases = phrases_of(words)
        embeddings = self._embed(samples, phrases)
        clusters = keep_sentences_whole(words, phrases, assign_speakers(phrases, embeddings, hints))
        word_labels: list[int] = []
        for phrase, cluster in zip(phrases, clusters, strict=True):
            word_labels += [cluster] * (phrase.last - phrase.first + 1)
        labels = label_in_order(word_labels)
        speakers = _profiles(samples, phrases, embeddings, label_in_order(clusters))
        return Diarization(
            speakers, tuple(turns_of_words(words, labels)), tuple(labels), self.name, parameters
        )

    def _embed(self, samples: np.ndarray, phrases: Sequence[Phrase]) -> list[np.ndarray | None]:
        """One unit embedding per phrase, None when too short to carry a voice."""
        encoder = _encoder(self.weights)
        rate = SAMPLE_RATE // 1000
        return [
            encoder.embed(samples[p.start_ms * rate : p.end_ms * rate])
            if p.duration_ms >= SHORTEST_MS
            else None
            for p in phrases
        ]


def assign_speakers(
    phrases: Sequence[Phrase], embeddings: Sequence[np.ndarray | None], hints: SpeakerHints
) -> list[int]:
    """A cluster number per phrase."""
    reliable = [
        i for i, (p, e) in enumerate(zip(phrases, embeddings, strict=True))
        if e is not None and p.duration_ms >= RELIABLE_MS and not p.stretched
    ]  # fmt: skip
    if len(reliable) < 2:  # too little speech to tell voices apart: fall back on any voice
        reliable = [
            i for i, e in enumerate(embeddings) if e is not None and not phrases[i].stretched
        ]
    low, high = hints.bounds(DEFAULT_MAX_SPEAKERS)
    if not reliable or high == 1:
        return [0] * len(phrases)
    matrix = np.stack([e for i in reliable if (e := embeddings[i]) is not None])
    found = _cluster(matrix, low, min(high, len(reliable)))
    durations = np.array([phrases[i].duration_ms for i in reliable])
    found = _without_stray_voices(matrix, found, durations, low)
    centroids = _centroids(matrix, found)
    known = {index: int(cluster) for index, cluster in zip(reliable, found, strict=True)}
    return [
        known[index] if index in known else _nearby_speaker(phrases, embeddings, known,
                                                             centroids, index)
        for index in range(len(phrases))
    ]  # fmt: skip


def _nearby_speaker(
    phrases: Sequence[Phrase],
    embeddings: Sequence[np.ndarray | None],
    known: dict[int, int],
    centroids: np.ndarray,
    index: int,
) -> int:
    """A short phrase's speaker: one of the speakers of the nearest clustered phrases
    before and after it (a short phrase is mostly a turn's tail, or a reply in an
    exchange), the one its voice is closer to; another speaker only when its voice is
    clearly closer to theirs; without a voice, the nearer neighbour's."""
    before = next((i for i in range(index - 1, -1, -1) if i in known), None)
    after = next((i for i in range(index + 1, len(phrases)) if i in known), None)
    neighbours = [i for i in (before, after) if i is not None]
    if not neighbours:
        return 0
    embedding = embeddings[index]
    if embedding is None:
        return known[min(neighbours, key=lambda i: _distance_ms(phrases[i], phrases[index]))]
    scores = centroids @ embedding
    candidates = {known[i] for i in neighbours}
    local = max(candidates, key=lambda c: scores[c])
    overall = int(np.argmax(scores))
    return overall if scores[overall] - scores[local] > OUTSIDER_MARGIN else local


def _distance_ms(one: Phrase, other: Phrase) -> int:
    return max(one.start_ms - other.end_ms, other.start_ms - one.end_ms)


def keep_sentences_whole(
    words: Sequence[Word], phrases: Sequence[Phrase], clusters: list[int]
) -> list[int]:
    """A short phrase that carries on its sentence after a short pause keeps the speaker
    of the phrase before it: people rarely take over mid-sentence, a short phrase's voice
    is the least certain, and a wrong change there cuts an event in two. (Long phrases
    keep their own voice: the recogniser does not always end a sentence where a turn
    ends. On the 24-minute benchmark episode this took the source track's hard QC errors
    from 51 to 45 at the same speaker confusion.)"""
    kept = list(clusters)
    for index in range(1, len(phrases)):
        before, phrase = phrases[index - 1], phrases[index]
        carries_on = not ends_sentence(words[before.last])
        short_pause = phrase.start_ms - before.end_ms < MID_SENTENCE_GAP_MS
        if carries_on and short_pause and phrase.duration_ms < RELIABLE_MS:
            kept[index] = kept[index - 1]
    return kept


def _cluster(matrix: np.ndarray, low: int, high: int) -> np.ndarray:
    """Average-linkage clustering on cosine distance, cut where voices differ more than
    ``SAME_VOICE_DISTANCE`` (or at the hinted count), then refined k-means style."""
    if high <= 1 or len(matrix) < 2:
        return np.zeros(len(matrix), dtype=int)
    from scipy.cluster.hierarchy import fcluster, linkage  # heavy: imported on first use

    tree = linkage(matrix, method="average", metric="cosine")
    found = fcluster(tree, t=SAME_VOICE_DISTANCE, criterion="distance")
    count = len(set(found))
    if not low <= count <= high:
        found = fcluster(tree, t=min(max(count, low), high), criterion="maxclust")
    return _refined(matrix, found - 1)


def _without_stray_voices(
    matrix: np.ndarray, clusters: np.ndarray, durations: np.ndarray, low: int
) -> np.ndarray:
    """Clusters with less speech than ``STRAY_VOICE_MS`` (or, in a short recording, than
    ``STRAY_VOICE_SHARE`` of it) folded into their nearest neighbour, smallest first, never
    below ``low`` clusters: a few seconds are too little to be sure of a voice, and are
    mostly one speaker's odd phrases."""
    clusters = clusters.copy()
    while True:
        present = sorted(set(clusters.tolist()))
        if len(present) <= max(low, 1):
            return _renumbered(clusters)
        speech = {c: int(durations[clusters == c].sum()) for c in present}
        smallest = min(present, key=lambda c: speech[c])
        if speech[smallest] >= min(STRAY_VOICE_MS, STRAY_VOICE_SHARE * durations.sum()):
            return _renumbered(clusters)
        centroids = _centroids(matrix, _renumbered(clusters))
        order = {c: n for n, c in enumerate(present)}
        scores = centroids @ centroids[order[smallest]]
        scores[order[smallest]] = -np.inf
        clusters[clusters == smallest] = present[int(np.argmax(scores))]


def _renumbered(clusters: np.ndarray) -> np.ndarray:
    order = {c: n for n, c in enumerate(sorted(set(clusters.tolist())))}
    return np.array([order[c] for c in clusters.tolist()], dtype=int)


def _refined(matrix: np.ndarray, clusters: np.ndarray, rounds: int = 5) -> np.ndarray:
    """Each phrase moved to its nearest centroid until nothing moves (the tree's early
    merges cannot be undone; this undoes them). A cluster never empties."""
    for _ in range(rounds):
        centroids = _centroids(matrix, clusters)
        moved = np.argmax(matrix @ centroids.T, axis=1)
        if np.array_equal(moved, clusters) or len(set(moved)) < len(set(clusters)):
            break
        clusters = moved
    return clusters


def _centroids(matrix: np.ndarray, clusters: np.ndarray) -> np.ndarray:
    rows = []
    for cluster in range(int(clusters.max()) + 1):
        members = matrix[clusters == cluster]
        mean = members.mean(axis=0) if len(members) else np.zeros(matrix.shape[1])
        rows.append(mean / max(float(np.linalg.norm(mean)), 1e-9))
    return np.stack(rows)


def _profiles(
    samples: np.ndarray,
    phrases: Sequence[Phrase],
    embeddings: Sequence[np.ndarray | None],
    labels: Sequence[str],
) -> tuple[VoiceProfile, ...]:
    profiles = []
    for label in dict.fromkeys(labels):
        mine = [i for i, spoken in enumerate(labels) if spoken == label]
        vectors = [e for i in mine if (e := embeddings[i]) is not None]
        centroid = np.mean(vectors, axis=0) if vectors else np.zeros(EMBEDDING_SIZE)
        centroid = centroid / max(float(np.linalg.norm(centroid)), 1e-9)
        spans = [(phrases[i].start_ms, phrases[i].end_ms) for i in mine]
        profiles.append(
            VoiceProfile(
                label,
                sum(end - start for start, end in spans),
                tuple(round(float(x), 5) for x in centroid),
                median_pitch(samples, spans, SAMPLE_RATE),
            )
        )
    return tuple(profiles)


def read_wav(path: Path) -> np.ndarray:
    """The extract stage's 16 kHz mono 16-bit WAV as floats in [-1, 1]."""
    try:
        with wave.open(str(path), "rb") as audio:
            if audio.getframerate() != SAMPLE_RATE or audio.getnchannels() != 1:
                raise StageFailed(
                    f"Diarization needs 16 kHz mono audio, not {audio.getframerate()} Hz "
                    f"x {audio.getnchannels()}."
                )
            data = audio.readframes(audio.getnframes())
    except (wave.Error, EOFError) as error:
        raise StageFailed(f"The extracted audio is unreadable: {error}.") from error
    return np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768.0
