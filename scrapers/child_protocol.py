"""What the crawl child and its parent (``scrapers.crawl``) agree on, without importing Scrapy."""

#: The child's last stderr line starts with this when it fails outright.
CRASH_MARKER = "crawl child failed: "
