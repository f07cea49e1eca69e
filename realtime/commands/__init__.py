"""Frame → service translations, one module per workspace part; imported at startup."""
