from typing import Literal

UsageAudioSpeechesBucketObject = Literal["bucket"]

USAGE_AUDIO_SPEECHES_BUCKET_OBJECT_VALUES: set[UsageAudioSpeechesBucketObject] = {
    "bucket",
}


def check_usage_audio_speeches_bucket_object(value: str) -> UsageAudioSpeechesBucketObject:
    if value in USAGE_AUDIO_SPEECHES_BUCKET_OBJECT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {USAGE_AUDIO_SPEECHES_BUCKET_OBJECT_VALUES!r}"
    )
