from typing import Literal

UsageAudioTranscriptionsPageObject = Literal["page"]

USAGE_AUDIO_TRANSCRIPTIONS_PAGE_OBJECT_VALUES: set[UsageAudioTranscriptionsPageObject] = {
    "page",
}


def check_usage_audio_transcriptions_page_object(value: str) -> UsageAudioTranscriptionsPageObject:
    if value in USAGE_AUDIO_TRANSCRIPTIONS_PAGE_OBJECT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {USAGE_AUDIO_TRANSCRIPTIONS_PAGE_OBJECT_VALUES!r}"
    )
