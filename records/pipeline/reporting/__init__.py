"""What a run tells people: its summary, progress, source health and notification hooks."""
