"""The inline markup of issue texts (docs/format.md)."""

import pytest

from caipdf.structure.inline import (FootnoteRef, InlineSyntaxError, LineBreak, Link, PageRef,
                                     Strong, Sup, Text, parse, plain_text)


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
