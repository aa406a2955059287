"""Vietnamese rules any service may need: working days, phone numbers, NFC text, local times,
masking personal data."""
