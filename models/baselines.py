"""Two public-style baselines that every evaluation prints beside the model, to show the margin.

* Sentiment: VADER (the `vaderSentiment` package, a human-rated English lexicon with rules for
  negation, intensifiers and punctuation) for every text, plus, for text with Chinese
  characters, a small Chinese polarity lexicon with one-character negation (below). The compound
  score uses VADER's documented cut-offs: >= 0.05 positive, <= -0.05 negative, else neutral.
* Claims: keyword rules, one regular expression per claim in English and Chinese, written from
  the label definitions in shared/data/README.md. A claim fires when its pattern matches.

Neither is tuned on any labeled data; they are what a journalist could get without a model.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Sequence

from .prediction import CLAIMS, SENTIMENTS, Prediction

BASELINE_ID = "baseline-vader-keywords"
VADER_POSITIVE = 0.05
VADER_NEGATIVE = -0.05

# Chinese polarity words common in model-launch discussion (forums, Zhihu, CSDN, GitHub issues).
# Chosen from the label definitions, not from any labeled example; each hit counts +1 or -1.
ZH_POSITIVE = (
    "好用", "很强", "强大", "厉害", "优秀", "惊艳", "牛逼", "牛", "不错", "满意", "推荐", "给力",
    "流畅", "稳定", "靠谱", "出色", "喜欢", "感谢", "提升", "领先", "碾压", "好评", "神器", "赞",
    "超越", "完美", "精准", "快速", "高效",
)
ZH_NEGATIVE = (
    "垃圾", "失望", "太差", "很差", "极差", "差劲", "不行", "拉胯", "翻车", "崩溃", "报错", "错误",
    "失败", "卡死", "幻觉", "胡说", "造假", "作弊", "刷榜", "污染", "泄露", "吹", "骗", "坑", "慢",
    "无法", "用不了", "不能用", "繁忙", "问题", "bug", "退步", "下降", "名不副实", "难用", "糟糕",
    "死循环", "离谱",
)
# A negator right before a polarity word flips it ("不好用", "没有提升").
ZH_NEGATORS = ("不", "没", "没有", "未", "别", "无")
_CJK = re.compile(r"[\u4e00-\u9fff]")

# One pattern per claim: English first, then Chinese. Word boundaries keep "leak" out of "bleak".
CLAIM_PATTERNS: dict[str, re.Pattern[str]] = {
    "contamination": re.compile(
        r"\b(contaminat\w*|leak(ed|age|s)?|train(ed|ing)? on (the )?(test|benchmark|eval)\w*|"
        r"memori[sz]\w*|test[- ]set)\b|污染|泄露|泄漏|刷题|背题|见过(测试|考)题|训练集.{0,6}测试",
        re.IGNORECASE,
    ),
    "benchmark_gaming": re.compile(
        r"\b(gam(ed|ing) (the )?(benchmark|leaderboard|arena)\w*|cherry[- ]pick\w*|"
        r"benchmark ?max\w*|experimental (version|variant)|special version|lmarena|lmsys|"
        r"(leaderboard|arena) (manipulat\w*|rigg\w*|cheat\w*)|misleading)\b|刷榜|刷分|打榜|作弊|特供版|造假",
        re.IGNORECASE,
    ),
    "regression": re.compile(
        r"\b(worse|regress\w*|degrad\w*|disappoint\w*|hallucinat\w*|loop(s|ing)?|"
        r"repeat(s|ing)? (itself|endlessly)|garbage|broken output|dumber|nerf(ed)?)\b|"
        r"变差|退步|降智|幻觉|死循环|失望|不如|拉胯|翻车|名不副实|胡说|重复输出",
        re.IGNORECASE,
    ),
    "praise": re.compile(
        r"\b(amazing|impressive|excellent|great|awesome|fantastic|incredible|love (it|this)|"
        r"really good|so good|best (model|open))\b|惊艳|很强|强大|厉害|优秀|牛逼|好用|太强|出色|给力",
        re.IGNORECASE,
    ),
    "comparison": re.compile(
        r"\b(better than|worse than|compared (to|with)|vs\.?|versus|outperform\w*|beats?|"
        r"on par with)\b|比.{0,12}(强|好|差|弱)|不如|超过|超越|碾压|对比|相比|媲美",
        re.IGNORECASE,
    ),
    "deployment_issue": re.compile(
        r"\b(oom|out of memory|cuda|vllm|sglang|ollama|llama\.cpp|gguf|quantiz\w*|"
        r"error|crash\w*|timeout|429|rate limit\w*|server busy|chat template|tokenizer|"
        r"can'?t (load|run)|fails? to (load|start|run))\b|显存|报错|部署|崩溃|服务器繁忙|量化|"
        r"加载失败|无法(加载|启动|运行)|超时|限流",
        re.IGNORECASE,
    ),
}


@cache
def _vader():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def chinese_polarity(text: str) -> int:
    """Positive minus negative lexicon hits in `text`, a hit flipped when a negator precedes it."""
    total = 0
    for words, sign in ((ZH_POSITIVE, 1), (ZH_NEGATIVE, -1)):
        for word in words:
            for match in re.finditer(re.escape(word), text, flags=re.IGNORECASE):
                before = text[max(0, match.start() - 2) : match.start()]
                negated = any(before.endswith(n) for n in ZH_NEGATORS)
                total += -sign if negated else sign
    return total


def lexicon_sentiment(text: str) -> tuple[str, float]:
    """(label, compound score in [-1, 1]) from VADER, or the Chinese lexicon for Chinese text."""
    if _CJK.search(text):
        hits = chinese_polarity(text)
        # Same squashing VADER applies to its raw sum (x / sqrt(x^2 + 15)), so cut-offs match.
        compound = hits / (hits * hits + 15) ** 0.5
    else:
        compound = _vader().polarity_scores(text)["compound"]
    if compound >= VADER_POSITIVE:
        return "positive", compound
    if compound <= VADER_NEGATIVE:
        return "negative", compound
    return "neutral", compound


def keyword_claims(text: str) -> dict[str, str]:
    """Claim -> the matched keyword, for every claim whose pattern matches `text`."""
    found = {}
    for claim in CLAIMS:
        match = CLAIM_PATTERNS[claim].search(text)
        if match:
            found[claim] = match.group(0)
    return found


class Baseline:
    """Lexicon sentiment plus keyword claims, with the `predict` interface of a Classifier."""

    model_id = BASELINE_ID
    model_version = "vader-3.3.2+zh-lexicon+keywords"

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        out = []
        for text in texts:
            label, compound = lexicon_sentiment(text)
            claims = keyword_claims(text)
            # Scores are 0/1 indicators: rules have no calibrated probability.
            scores = {s: float(s == label) for s in SENTIMENTS}
            scores.update({c: float(c in claims) for c in CLAIMS})
            out.append(
                Prediction(
                    sentiment=label,
                    claims=tuple(c for c in CLAIMS if c in claims),
                    scores=scores,
                    evidence=claims,
                    model_id=self.model_id,
                    model_version=self.model_version,
                )
            )
        return out
