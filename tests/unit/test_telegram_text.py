from __future__ import annotations

from bot.platform.telegram_text import MESSAGE_LIMIT, clip, clip_html, split_html, utf16_len
from tgemu.html_entities import parse_html


def test_clip_keeps_short_text_and_shortens_long_text_with_an_ellipsis() -> None:
    assert clip("коротко", 200) == "коротко"
    clipped = clip("қ" * 300, 200)
    assert utf16_len(clipped) == 200
    assert clipped.endswith("…")


def test_clip_counts_emoji_as_two_units_like_telegram() -> None:
    clipped = clip("😀" * 150, 200)
    assert utf16_len(clipped) <= 200


def test_split_html_keeps_lines_whole_and_each_part_within_the_limit() -> None:
    line = "<b>Семинар</b> в Алмалинском районе, " * 20
    text = "\n".join([line] * 30)
    parts = split_html(text)
    assert len(parts) > 1
    assert all(utf16_len(part) <= MESSAGE_LIMIT for part in parts)
    assert "\n".join(parts) == text
    assert all(part.count("<b>") == part.count("</b>") for part in parts)


def test_split_html_cuts_an_overlong_line_at_a_space() -> None:
    words = "сөз " * 3000
    parts = split_html(words)
    assert all(utf16_len(part) <= MESSAGE_LIMIT for part in parts)
    assert "".join(parts).replace(" ", "") == words.replace(" ", "")


def test_clip_html_never_cuts_a_tag_or_an_entity() -> None:
    line = "<b>Жеңіс</b> &amp; &lt;Победа&gt; — участник"
    text = "\n".join(f"{number}. {line}" for number in range(400))
    clipped = clip_html(text)
    assert utf16_len(clipped) <= MESSAGE_LIMIT
    assert clipped.endswith("участник\n…")
    parse_html(clipped)  # raises on a broken tag or entity, as Telegram would refuse it
    assert clip_html("<b>short</b>") == "<b>short</b>"


def test_one_overlong_line_is_cut_by_telegram_units_and_keeps_no_half_tags() -> None:
    for text in ("😀 " * 3000, "<b>" + "слово " * 1000 + "</b>"):
        for part in split_html(text):
            assert utf16_len(part) <= MESSAGE_LIMIT
            parse_html(part)
        clipped = clip_html(text)
        assert utf16_len(clipped) <= MESSAGE_LIMIT
        parse_html(clipped)
