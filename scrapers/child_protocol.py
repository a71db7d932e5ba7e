"""What the crawl child and its parent (``scrapers.crawl``) agree on, without importing Scrapy."""

#: The child's last stderr line starts with this when it fails outright.
CRASH_MARKER = "crawl child failed: "

#: The line the child writes once on its notices pipe, before the first document body it
#: will download (a document never seen, or one that changed): the parent then gets ready
#: to parse (``records.pipeline.run`` forks its parse workers), and a crawl that finds
#: nothing new never makes it do so. Every other line is a new document's sha256.
DOWNLOAD_COMING = "+"
