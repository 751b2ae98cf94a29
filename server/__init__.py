"""The composition root and HTTP edge: settings, persistence, join links, pages, CLI."""
