"""Chinese characters MiniLM's vocabulary lacks become tokens, started from their glosses."""

import pytest
import torch

from models.encoder import default_encoder_path
from models.vocabulary import cedict_glosses, extend_vocabulary


@pytest.fixture(scope="module")
def glosses():
    return cedict_glosses()


def minilm():
    from transformers import AutoModel, AutoTokenizer

    path = default_encoder_path()
    return (AutoTokenizer.from_pretrained(path, local_files_only=True),
            AutoModel.from_pretrained(path, local_files_only=True))


def nearest_old_tokens(tokenizer, model, token: str, old_size: int, k: int = 5) -> list[str]:
    table = model.get_input_embeddings().weight
    vector = table[tokenizer.convert_tokens_to_ids(token)]
    sims = torch.nn.functional.cosine_similarity(table[:old_size], vector[None])
    return tokenizer.convert_ids_to_tokens(sims.topk(k).indices.tolist())


def test_the_dictionary_glosses_single_characters(glosses):
    assert "slow" in glosses["慢"]
    # Cross-references are not meanings.
    assert not any(g.startswith("variant of") for g in glosses["坑"])


def test_recurring_unknown_characters_become_tokens_that_start_from_their_meaning(glosses):
    tokenizer, model = minilm()
    old_size = len(tokenizer)
    assert tokenizer.convert_tokens_to_ids("慢") == tokenizer.unk_token_id
    assert tokenizer.convert_tokens_to_ids("坑") == tokenizer.unk_token_id
    # A character with no single-character gloss in the dictionary, unknown to the vocabulary.
    bare = next(chr(c) for c in range(0x3400, 0x4DBF) if chr(c) not in glosses
                and tokenizer.convert_tokens_to_ids(chr(c)) == tokenizer.unk_token_id)
    texts = ["这个模型太慢了，慢得离谱", "部署时踩坑", f"{bare}{bare}"]
    added = extend_vocabulary(tokenizer, model, texts, min_count=2)

    # 慢 twice, 坑 once (below min_count), the bare one twice; other characters are known or once.
    assert added == 2 and len(tokenizer) == old_size + 2
    assert model.get_input_embeddings().weight.shape[0] == old_size + 2
    assert tokenizer.tokenize("太慢") == ["太", "慢"]
    assert tokenizer.convert_tokens_to_ids("坑") == tokenizer.unk_token_id
    assert "slow" in nearest_old_tokens(tokenizer, model, "慢", old_size)
    table = model.get_input_embeddings().weight
    assert torch.equal(table[tokenizer.convert_tokens_to_ids(bare)], table[tokenizer.unk_token_id])
    # Offsets still point at the characters, so evidence spans stay exact.
    encoded = tokenizer("A慢B", return_offsets_mapping=True)
    assert encoded["offset_mapping"][1:4] == [(0, 1), (1, 2), (2, 3)]


def test_nothing_is_added_when_every_character_is_known_or_rare():
    tokenizer, model = minilm()
    assert extend_vocabulary(tokenizer, model, ["The model is slow.", "慢"], min_count=2) == 0
