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


def test_grid_raster_agrees_with_an_exact_test_everywhere_including_borders_and_odd_shapes():
    import random

    from shapely.geometry import Point, shape
    triangle = GridArea("C-1", "网格C-1", "C",
                        {"type": "Polygon", "coordinates": [[[2, 0], [3.3, 0.4], [2.2, 1.7], [2, 0]]]})
    holed = GridArea("C-2", "网格C-2", "C", {"type": "Polygon", "coordinates": [
        [[0, 2], [2, 2], [2, 3], [0, 3], [0, 2]], [[0.5, 2.2], [1.5, 2.2], [1.5, 2.8], [0.5, 2.8], [0.5, 2.2]]]})
    grids = [*GRIDS, triangle, holed]
    index = GridIndex(grids)
    rng = random.Random(5)
    points = [(rng.uniform(-0.5, 3.5), rng.uniform(-0.5, 3.5)) for _ in range(3000)]
    points += [(y, x) for g in grids for ring in g.geometry["coordinates"] for x, y in ring]
    points += [(0.5, 1.0), (1.0, 0.25), (2.5, 1.0), (2.2, 1.0)]   # shared edges, a hole's edge
    for lat, lng in points:
        exact = min((g.code for g in grids if shape(g.geometry).intersects(Point(lng, lat))), default=None)
        found = index.locate(lat, lng)
        assert (found.code if found else None) == exact, (lat, lng)


def test_no_grids_locates_nothing():
    assert GridIndex([]).locate(0.5, 0.5) is None


def test_keywords_match_the_same_whatever_characters_the_text_carries():
    rules = [CategoryRule("0901", "欠薪", "09", "劳动保障", "renshe", keywords=("拖欠工资", "\ue001欠"))]
    classifier = KeywordClassifier(rules)
    assert [s.matched for s in classifier.classify("老板拖欠工资三个月")] == [("拖欠工资",)]
    assert [s.matched for s in classifier.classify("\ue001欠")] == [("\ue001欠",)]
    # Private-use characters in a complaint can never spell a keyword.
    spelt = "拖欠工资".translate(classifier._spelling)
    assert classifier.classify(spelt) == [] and classifier.classify("\ue000\ue400") == []


def test_normalise_is_nfkc_lower_case_without_invisible_characters():
    import unicodedata

    from rongetong.domain.text import _INVISIBLE
    for text in ("小区，门口！（１２３）ＡＢＣ\u3000路灯", "e\u0301 ｶﾞ ㈱ ﬁ", "\u200b\ufeff垃圾 桶\n", "Ａ\u0301", ""):
        assert normalise(text) == _INVISIBLE.sub("", unicodedata.normalize("NFKC", text).lower())


def test_the_minor_model_reads_the_text_once_with_the_major_model():
    from rongetong.domain.classifier import RoutingModel, fold
    model = RoutingModel.train([("垃圾没人清运", "0201", 1), ("垃圾桶满了", "0202", 1), ("楼下烧烤摊", "0101", 1),
                                ("占道经营摆摊", "0102", 1)])
    folded = fold("小区垃圾桶满了三天没人清运")
    rows = model.read(folded)
    assert model.minor_probabilities("02", folded, rows) == pytest.approx(model.minor_probabilities("02", folded))
    assert model.major_probabilities(rows) == pytest.approx(model.majors.probabilities(folded))


def test_the_reason_is_written_on_first_use():
    decision = ROUTER.route("小区垃圾三天没人收", 0.5, 0.5)
    assert not isinstance(decision.why, str)
    assert "垃圾" in decision.reason and decision.reason is decision.why


def test_contact_details_typed_into_a_complaint_do_not_steer_the_category():
    from rongetong.domain.text import without_contact_details
    text = normalise("楼道灯坏了，联系我：13812345678，身份证370402199001011234X，电话号码0632-1234567")
    assert without_contact_details(text) == "楼道灯坏了,,,"
    assert without_contact_details(normalise("补办身份证，丢了")) == normalise("补办身份证，丢了")
    router = Router(GRIDS, [*RULES, CategoryRule("1302", "身份证办理", "13", "公安与社会治安", "gongan", police=True,
                                               keywords=("身份证",))],
                    town_units={"A": "office-A"}, min_confidence=0.35)
    assert router.route("门口垃圾没人收，身份证370402199001011234", 0.5, 0.5).category.minor_code == "0201"


def test_the_model_reads_a_run_of_digits_as_one():
    from rongetong.domain.classifier import fold, ngrams
    assert fold("3号楼1201室，报修13812345678") == "0号楼0室,报修0"
    assert fold("楼道灯坏了，电话13812345678") == "楼道灯坏了,"   # what routing reads, in training too
    assert ngrams("12楼") == ["0", "楼", "0楼"]
