"""PDF post-processing (what WeasyPrint's writer leaves to us) and inspection."""
