# The import ID is DEST_BUCKET/DEST_KEY=SOURCE_BUCKET/SOURCE_KEY, with ?versionId=... appended when
# the configuration pins source_version_id. Percent-encode "%", "=" and "?" in keys.
terraform import oss_object_copy.model 'ml-serving/models/current/model.safetensors=ml-training/runs/2026-11-20/model.safetensors'
