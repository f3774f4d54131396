"""Source-aware checking: number comparison, source-side name evidence, input pairing."""
