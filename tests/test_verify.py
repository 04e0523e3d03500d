"""The citation check, on hand-made cases with known answers."""

from mentor.retrieve import Passage
from mentor.text import plain
from mentor.verify import Verifier, normalize_markers

LEAD = Passage("d#lead:0", "Typically, they oversee up to five direct reports and are responsible for their growth.",
               "d.md", "Lead Product Manager › Duties and Responsibilities", {})
HEAD = Passage("d#head:0", "The Head of Product is an executive member of a company and an advisor to the CEO.",
               "d.md", "Head of Product", {})
PASSAGES = {1: LEAD, 2: HEAD}


def test_marker_styles_are_normalized_and_unknown_ones_dropped():
    text, dropped = normalize_markers("A [1]. B (source 2). C [12]. D [1, 2]. E 【2】.", {1, 2})
    assert text == "A [1]. B [2]. C . D [1][2]. E [2]."
    assert dropped == ["12"]


def test_supported_sentence_keeps_its_citation():
    checked = Verifier().check("Lead PMs oversee up to five direct reports [1].", PASSAGES)
    assert checked.text == "Lead PMs oversee up to five direct reports [1]."
    assert checked.sentences[0].supported and not checked.removed


def test_invented_number_is_removed():
    checked = Verifier().check("Lead PMs oversee up to twelve direct reports [1]. A Head of Product earns $300k [2].",
                               PASSAGES)
    assert checked.text == ""
    assert len(checked.removed) == 2 and not checked.used


def test_wrong_citation_is_removed_and_renumbered():
    checked = Verifier().check("The Head of Product advises the CEO [1]. The Head of Product is an executive [2].",
                               PASSAGES)
    assert checked.text == "The Head of Product is an executive [1]."
    assert [p.chunk_id for _, p, _ in checked.used] == ["d#head:0"]


def test_uncited_sentence_is_cited_only_when_a_passage_carries_it():
    checked = Verifier().check("The Head of Product is an executive member of a company. Bananas are yellow.", PASSAGES)
    assert checked.text == "The Head of Product is an executive member of a company [1]."
    assert checked.removed == ["Bananas are yellow."]


def test_unsupported_can_be_marked_instead_of_removed():
    checked = Verifier().check("Bananas are yellow [1].", PASSAGES, unsupported="mark")
    assert checked.text == "Bananas are yellow. *(not from the sources)*"
    assert not checked.used


def test_structure_lines_are_not_claims():
    checked = Verifier().check("**Step one**\n\nLead PMs oversee up to five direct reports [1].", PASSAGES)
    assert checked.text.startswith("**Step one**")


def test_semantic_support_with_the_packaged_model(seed_mentor):
    verifier = Verifier(seed_mentor.embedder)
    ok, lexical, semantic, _ = verifier.support("A Head of Product is one of the company's executives who advises the CEO.", HEAD)
    assert ok and semantic is not None
    bad, *_ = verifier.support("A Head of Product usually reports to the board and owns the sales team.", HEAD)
    assert not bad


LINKED = Passage("d#portal:0", "Lead PMs file reviews in the Acme portal at http://portal.example/reviews each quarter.",
                 "d.md", "Lead Product Manager › Reviews", {})


def test_an_image_or_url_the_passage_lacks_makes_the_sentence_unsupported():
    said = "Typically, they oversee up to five direct reports and are responsible for their growth"
    for sentence in [f"{said} ![](http://x.io/a) [1].", f"{said} http://x.io/a [1].", f"{said} at www.x.io [1].",
                     "Typically, they oversee up to five direct reports and are responsible for their [growth](http://x.io) [1].",
                     f"{said} ![](x.png) [1]."]:
        verifier = Verifier()
        assert verifier._check_sentence(plain(sentence), [1], PASSAGES).supported, sentence  # the words alone pass
        checked = verifier.check(sentence, PASSAGES)
        assert checked.text == "" and not checked.used, sentence
        assert checked.sentences[0].reason == "a link or image the cited passage does not hold"
    assert Verifier().check(f'{said} <img src="http://x.io/i.gif"> [1].', PASSAGES).text == ""


def test_a_url_the_cited_passage_holds_is_kept():
    checked = Verifier().check("Lead PMs file reviews in the Acme portal at http://portal.example/reviews [1].",
                               {1: LINKED})
    assert checked.text == "Lead PMs file reviews in the Acme portal at http://portal.example/reviews [1]."
    other = Verifier().check("Lead PMs file reviews in the Acme portal at http://portal.example/other [1].",
                             {1: LINKED})
    assert other.text == ""
