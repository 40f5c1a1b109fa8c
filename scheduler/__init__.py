"""The top of tinbao: the command line and the crawl daemon (`tinbao daemon`, `python -m
scheduler`). Crawls run as subprocesses (`scrapy crawl <site>`), since Scrapy's reactor cannot
restart inside one process."""
