"""Chinese texts reach the encoder with a word-by-word English gloss; English texts are unchanged."""

import json

import numpy as np
import pytest

from models import load_model, train
from models.encoder import Encoder
from models.gloss import encoder_input, gloss
from models.train import TrainOptions
from models.vocabulary import CJK

from test_models import small_training_file, tiny_table


def test_chinese_words_are_glossed_in_english_and_the_rest_is_kept():
    assert "slow" in gloss("这个模型太慢了")
    # 比 is "to compare" before it is the proper name "Belgium".
    glossed = gloss("ChatGLM3比ChatGLM4好")
    assert glossed.startswith("ChatGLM3 compare ChatGLM4 good"), glossed
    # Longest match first: 测试集 is not 测 + 试 + 集.
    assert "test" in gloss("训练测试集") and not CJK.search(gloss("训练测试集，𠀀"))
    assert gloss("") == "" and gloss("Llama 4: 15.6%") == "Llama 4: 15.6%"


def test_the_encoder_reads_the_text_then_its_gloss():
    text = "这个模型太慢了。"
    assert encoder_input(text) == f"{text}\n{gloss(text)}"
    assert encoder_input("Llama 4 is slow.") == "Llama 4 is slow."


@pytest.fixture(scope="module")
def encoders():
    return Encoder(precision="fp32"), Encoder(precision="fp32", gloss=True)


def test_english_embeddings_do_not_change_and_chinese_ones_do(encoders):
    plain, glossed = encoders
    english = ["Llama 4 is much worse than Llama 3 at coding."]
    chinese = ["这个模型太慢了，编程效果极差。"]
    assert np.array_equal(plain.encode(english), glossed.encode(english))
    assert not np.allclose(plain.encode(chinese), glossed.encode(chinese), atol=1e-3)


def test_a_model_trained_with_the_gloss_predicts_with_it(tmp_path):
    options = TrainOptions(
        encoder_kind="static", n_features=2**10, c_sentiment=1.0, c_claim=1.0, gloss_chinese=True
    )
    directory = train(small_training_file(tmp_path, every=20), tmp_path / "out",
                      options=options, table=tiny_table())
    config_path = directory / "config.json"
    config = json.loads(config_path.read_text())
    assert config["options"]["gloss_chinese"] is True
    model = load_model(directory)
    assert model.features.encoder.gloss is True
    chinese = "这个模型太慢了"
    glossed_scores = model.predict([chinese])[0].scores
    # A model directory from before 0.5.0 has no such key and reads texts as they are.
    del config["options"]["gloss_chinese"]
    config_path.write_text(json.dumps(config))
    older = load_model(directory)
    assert older.features.encoder.gloss is False
    assert older.predict([chinese])[0].scores != glossed_scores
    assert older.predict(["Llama 4 is slow"])[0].scores == model.predict(["Llama 4 is slow"])[0].scores
