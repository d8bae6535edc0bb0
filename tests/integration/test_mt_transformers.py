"""The transformers engine on tiny random models the tests build: loading, language
tokens, batching and generation are real; the words are meaningless."""

import hashlib

import pytest
from click.testing import CliRunner

from locsvc.adapters.mt_registry import MtChoices, TranslatorPool
from locsvc.adapters.mt_transformers import TransformersTranslator
from locsvc.cli import main as cli
from locsvc.domain.errors import ModelUnavailable

from ..helpers import env_for
from ..tiny_seq2seq import build_tiny_seq2seq

SENTENCES = ["the a of and", "", "you that it he was for on are as with his", "they", "he was"]


@pytest.fixture(scope="module")
def marian(tmp_path_factory):
    return build_tiny_seq2seq(tmp_path_factory.mktemp("marian-en-de"), "marian")


@pytest.fixture(scope="module")
def m2m(tmp_path_factory):
    return build_tiny_seq2seq(tmp_path_factory.mktemp("m2m"), "m2m_100")


def test_batches_keep_order_and_match_one_by_one(marian):
    engine = TransformersTranslator("en", "de", marian)
    batched = engine.translate_batch(SENTENCES)
    assert len(batched) == len(SENTENCES) and batched[1] == ""
    # Padding inside a batch must not change a sentence's translation.
    assert batched == [engine.translate_batch([s])[0] for s in SENTENCES]
    assert len(set(batched) - {""}) > 1  # the output depends on the input


def test_describe_names_the_exact_weights(marian):
    described = TransformersTranslator("en", "de", marian).describe()
    weights = hashlib.sha256((marian / "model.safetensors").read_bytes()).hexdigest()
    assert described["architecture"] == "marian" and described["weights_sha256"] == weights
    assert described["target_token"] is None


def test_many_to_many_models_are_steered_by_language_tokens(m2m):
    spanish = TransformersTranslator("en", "es", m2m)
    german = TransformersTranslator("en", "de", m2m)
    assert spanish.describe()["target_token"] == "__es__"
    assert spanish.translate_batch(SENTENCES[:1]) != german.translate_batch(SENTENCES[:1])
    with pytest.raises(ModelUnavailable, match="__fr__"):
        TransformersTranslator("en", "fr", m2m).translate_batch(["the"])


def test_not_a_model_directory(tmp_path):
    with pytest.raises(ModelUnavailable, match="config.json"):
        TransformersTranslator("en", "de", tmp_path)


def test_configured_directories_take_their_pairs_first(marian):
    pool = TranslatorPool(MtChoices(transformers_models={("en", "es"): marian}))
    assert pool.engine_for("en", "es") == "transformers"
    assert pool.engine_for("en", "pt-BR") == "bergamot"  # other pairs as before
    assert pool.get("en", "es") is pool.get("en", "es")  # loaded once per process


def test_translate_command_with_a_local_model(marian, tmp_path, settings_overrides):
    source = tmp_path / "in.srt"
    source.write_text("1\n00:00:01,000 --> 00:00:03,000\nYou that it he was.\n")
    out = tmp_path / "out.srt"
    env = env_for(settings_overrides) | {"LOCSVC_MT_TRANSFORMERS": f"en:de={marian}"}
    result = CliRunner().invoke(
        cli, ["translate", str(source), "--from", "en", "--to", "de", "--out", str(out)], env=env
    )
    assert result.exit_code == 0, result.output
    assert "transformers" in result.output and out.read_text().startswith("1\n00:00:01,000")
