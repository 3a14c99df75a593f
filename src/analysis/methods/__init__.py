"""Statistical methods: pure functions over the tidy tables (no file I/O)."""
