"""The inline markup of issue texts (docs/format.md)."""

import pytest

from caipdf.structure.inline import (FootnoteRef, InlineSyntaxError, LineBreak, Link, PageRef,
                                     Ruby, Strong, Sup, Text, parse, plain_text)


def test_plain_text_is_one_text_node():
    assert parse("気候変動枠組条約") == [Text("気候変動枠組条約")]


def test_every_construct():
    nodes = parse("a **b** ^{c} [^fn] [d](http://x.jp) <https://y.jp> {page:cop25}\ne")
    kinds = [node.kind for node in nodes if not isinstance(node, Text) or node.text.strip()]
    assert kinds == ["text", "strong", "sup", "footnote", "link", "link", "pageref", "br", "text"]
    assert nodes[1] == Strong([Text("b")])
    assert nodes[3] == Sup([Text("c")])
    assert nodes[5] == FootnoteRef("fn")
    assert nodes[7] == Link("http://x.jp", [Text("d")])
    assert nodes[9] == Link("https://y.jp", [Text("https://y.jp")])
    assert nodes[11] == PageRef("cop25")
    assert nodes[12] == LineBreak()


def test_html_is_not_markup():
    nodes = parse("<b>太字</b> &amp; <script>")
    assert nodes == [Text("<b>太字</b> &amp; <script>")]


@pytest.mark.parametrize("source, opener", [("a **b", "**"), ("x^{y", "^{")])
def test_unclosed_markup_is_an_error(source, opener):
    with pytest.raises(InlineSyntaxError) as error:
        parse(source)
    assert opener in str(error.value)


def test_plain_text_drops_markup_but_keeps_words():
    assert plain_text(parse("SBT[^sbt]設定 **企業**")) == "SBT設定 企業"


def test_ruby_is_group_ruby_with_one_reading_and_mono_ruby_with_one_per_character():
    assert parse("{漢字|かんじ}") == [Ruby([("漢字", "かんじ")])]
    assert parse("{葛巻|くず|まき}町") == [Ruby([("葛", "くず"), ("巻", "まき")]), Text("町")]
    assert parse("{葛|くず}{巻|まき}") == [Ruby([("葛", "くず")]), Ruby([("巻", "まき")])]


def test_ruby_reads_as_its_base_and_leaves_page_references_alone():
    nodes = parse("**{葛巻|くず|まき}**町は{page:cop25}へ")
    assert plain_text(nodes) == "葛巻町はへ"
    assert nodes[2] == PageRef("cop25")


@pytest.mark.parametrize("source, message", [
    ("{漢字|}", "has an empty reading"),
    ("{|かんじ}", "has no base text"),
    ("{漢字}", "has no reading"),
    ("{葛巻|く|ず|まき}", "gives 3 readings for the 2 characters of '葛巻'"),
    ("{葛巻|くずまき", "'{' is opened but never closed"),
])
def test_bad_ruby_is_an_error_with_a_fix(source, message):
    with pytest.raises(InlineSyntaxError) as error:
        parse(source)
    assert message in str(error.value)
    assert error.value.hint


def test_every_ruby_mistake_of_a_text_is_reported():
    source = "{漢字|}と{葛巻|く|ず|まき}と{東|ひがし}と{雫石 と **強調"
    with pytest.raises(InlineSyntaxError) as error:
        parse(source)
    problems = [(str(problem).split("'")[1], problem.offset) for problem in error.value.problems]
    assert problems[:3] == [("{漢字|}", 0), ("{葛巻|く|ず|まき}", source.index("{葛")),
                            ("{", source.index("{雫"))]
    assert problems[3][0] == "**" and len(problems) == 4
