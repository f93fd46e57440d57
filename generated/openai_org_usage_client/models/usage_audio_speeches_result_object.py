from typing import Literal

UsageAudioSpeechesResultObject = Literal["organization.usage.audio_speeches.result"]

USAGE_AUDIO_SPEECHES_RESULT_OBJECT_VALUES: set[UsageAudioSpeechesResultObject] = {
    "organization.usage.audio_speeches.result",
}


def check_usage_audio_speeches_result_object(value: str) -> UsageAudioSpeechesResultObject:
    if value in USAGE_AUDIO_SPEECHES_RESULT_OBJECT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {USAGE_AUDIO_SPEECHES_RESULT_OBJECT_VALUES!r}"
    )
