"""`make lighthouse` picks the newest story from the list of all stories (tools/lighthouse.py)."""

import lighthouse


def test_newest_story_is_the_first_card_of_the_story_list(tmp_path):
    (tmp_path / "geschichten").mkdir()
    (tmp_path / "geschichten" / "index.html").write_text(
        '<h3 class="ksg-card__title"><a href="../geschichten/neueste/">Neu</a></h3>'
        '<h3 class="ksg-card__title"><a href="../geschichten/aeltere/">Alt</a></h3>', encoding="utf-8")
    assert lighthouse.newest_story(str(tmp_path)) == "geschichten/neueste/"
