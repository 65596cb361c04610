"""Japanese line-breaking marks the tests check against, written out apart from the code's."""

from __future__ import annotations

#: No line may start with one of these (closing marks, small kana, the prolonged sound mark)...
CLOSING_MARKS = set(
    "、。，．）」』】〕〉》・ーぁぃぅぇぉっゃゅょァィゥェォッャュョ"
    "｡､｣･ｰﾞﾟｧｨｩｪｫｬｭｮｯ"  # their half-width forms
)
#: ... nor end with one of these (opening marks).
OPENING_MARKS = set("（「『【〔〈《｢")
