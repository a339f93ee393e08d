"""智能派遣 in memory: grid lookup by position, category by keywords, outcome and explanation."""
import pytest

from rongetong.domain.routing import CategoryRule, GridArea, GridIndex, KeywordClassifier, Outcome, Router, confidence
from rongetong.domain.text import normalise


def square(code, town, west, south, size=1.0):
    ring = [[west, south], [west + size, south], [west + size, south + size], [west, south + size], [west, south]]
    return GridArea(code, f"网格{code}", town, {"type": "Polygon", "coordinates": [ring]})


GRIDS = [square("A-1", "A", 0, 0), square("A-2", "A", 1, 0), square("B-1", "B", 0, 1)]
RULES = [
    CategoryRule("0101", "占道经营", "01", "城市管理", "zhifa", keywords=("占道经营", "摆摊", "烧烤摊"),
                 synonyms=("马路上",)),
    CategoryRule("0201", "垃圾未清运", "02", "环境卫生", "huanwei", keywords=("垃圾", "没人收"),
                 negative=("垃圾分类宣传",)),
    CategoryRule("1901", "邻里纠纷", "19", "矛盾纠纷调解", None, keywords=("邻居", "吵架")),
    CategoryRule("1301", "打架斗殴", "13", "公安与社会治安", "gongan", police=True, keywords=("打架", "斗殴")),
]
ROUTER = Router(GRIDS, RULES, town_units={"A": "office-A", "B": "office-B"}, min_confidence=0.35)


@pytest.mark.parametrize(("lat", "lng", "grid"), [
    (0.5, 0.5, "A-1"), (0.5, 1.5, "A-2"), (1.5, 0.5, "B-1"),
    (0.5, 1.0, "A-1"),   # on the shared edge of: the lower code wins
    (1.0, 1.0, "A-1"),   # the corner of three grids
    (5.0, 5.0, None), (None, 0.5, None), (float("nan"), 0.5, None),
])
def test_grid_lookup(lat, lng, grid):
    found = GridIndex(GRIDS).locate(lat, lng)
    assert (found.code if found else None) == grid


def test_keywords_score_each_word_once_and_longest_first():
    scores = KeywordClassifier(RULES).classify("楼下烧烤摊天天摆摊，摆摊到马路上")
    assert scores[0].rule.minor_code == "0101"
    assert scores[0].matched == ("烧烤摊", "摆摊", "马路上")


def test_negative_words_veto_a_category():
    assert KeywordClassifier(RULES).classify("社区在搞垃圾分类宣传，垃圾桶很新") == []


def test_a_department_category_is_dispatched_to_its_department():
    decision = ROUTER.route("门口的垃圾三天没人收了", 0.5, 0.5)
    assert decision.outcome is Outcome.DISPATCH
    assert (decision.grid.code, decision.town_code, decision.unit_code) == ("A-1", "A", "huanwei")
    assert decision.matched_keywords == ["垃圾", "没人收"]
    assert "垃圾未清运" in decision.reason


def test_a_local_category_goes_to_the_grids_town_office():
    decision = ROUTER.route("邻居天天吵架", 1.5, 0.5)
    assert (decision.outcome, decision.unit_code) == (Outcome.DISPATCH, "office-B")


def test_outside_every_grid_goes_to_triage():
    decision = ROUTER.route("门口的垃圾没人收", 9, 9)
    assert decision.outcome is Outcome.TRIAGE
    assert "网格" in decision.reason


def test_no_category_goes_to_triage():
    decision = ROUTER.route("你好", 0.5, 0.5)
    assert decision.outcome is Outcome.TRIAGE and decision.category is None


def test_a_close_call_goes_to_triage():
    decision = ROUTER.route("邻居摆摊", 0.5, 0.5)
    assert decision.outcome is Outcome.TRIAGE and "置信度" in decision.reason


def test_police_matters_go_to_the_police_platform_even_outside_grids():
    decision = ROUTER.route("有人在打架斗殴", 9, 9)
    assert decision.outcome is Outcome.POLICE


def test_two_problems_list_the_other_as_an_alternative():
    decision = ROUTER.route("占道经营的烧烤摊把垃圾扔一地", 0.5, 0.5)
    assert decision.category.minor_code == "0101"
    assert [alt.rule.minor_code for alt in decision.alternatives] == ["0201"]


@pytest.mark.parametrize("text", ["", "   ", "😀😀", "<script>alert(1)</script>", "'; DROP TABLE cases;--",
                                  "垃\u200b圾\x00没人收", "garbage not collected", "垃圾" * 3000])
def test_hostile_input_gets_a_well_formed_answer(text):
    decision = ROUTER.route(text, 0.5, 0.5)
    assert decision.outcome in (Outcome.DISPATCH, Outcome.TRIAGE)
    assert 0.0 <= decision.confidence <= 1.0


def test_normalise_removes_zero_width_and_full_width():
    assert normalise("垃\u200b圾 ＡＢＣ\t") == "垃圾abc"


def test_confidence_grows_with_evidence_and_margin():
    weak, strong = KeywordClassifier(RULES).classify("摆摊"), KeywordClassifier(RULES).classify("占道经营烧烤摊摆摊")
    assert 0 < confidence(weak) < confidence(strong) <= 1
    assert confidence([]) == 0


def test_sibling_categories_of_one_unit_do_not_lower_confidence():
    rules = RULES + [CategoryRule("0202", "垃圾桶满溢", "02", "环境卫生", "huanwei", keywords=("垃圾桶",))]
    scores = KeywordClassifier(rules).classify("垃圾桶满了好几天没人收")
    assert {s.rule.minor_code for s in scores} == {"0201", "0202"}
    assert confidence(scores) == confidence(scores[:1])
