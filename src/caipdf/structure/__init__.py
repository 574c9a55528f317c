"""The content model: an issue as typed, validated data (no formatting)."""
