"""One module per format; each registers a versioned Reader on import."""
