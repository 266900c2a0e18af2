"""Content cleaning: transforms from WordPress's stored content to clean HTML."""
