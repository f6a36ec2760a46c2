"""tuinews: a terminal news reader that reads the article, not just the feed blurb."""

__version__ = "0.1.0"
