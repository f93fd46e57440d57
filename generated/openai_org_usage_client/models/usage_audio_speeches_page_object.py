from typing import Literal

UsageAudioSpeechesPageObject = Literal["page"]

USAGE_AUDIO_SPEECHES_PAGE_OBJECT_VALUES: set[UsageAudioSpeechesPageObject] = {
    "page",
}


def check_usage_audio_speeches_page_object(value: str) -> UsageAudioSpeechesPageObject:
    if value in USAGE_AUDIO_SPEECHES_PAGE_OBJECT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {USAGE_AUDIO_SPEECHES_PAGE_OBJECT_VALUES!r}"
    )
