from typing import Literal

UsageAudioTranscriptionsBucketObject = Literal["bucket"]

USAGE_AUDIO_TRANSCRIPTIONS_BUCKET_OBJECT_VALUES: set[UsageAudioTranscriptionsBucketObject] = {
    "bucket",
}


def check_usage_audio_transcriptions_bucket_object(
    value: str,
) -> UsageAudioTranscriptionsBucketObject:
    if value in USAGE_AUDIO_TRANSCRIPTIONS_BUCKET_OBJECT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {USAGE_AUDIO_TRANSCRIPTIONS_BUCKET_OBJECT_VALUES!r}"
    )
