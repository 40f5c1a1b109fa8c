"""A backfill shared by several crawl processes through Redis (docs/frontier.md): the queue and
seen set of scrapy-redis, requests in hand kept per process with a lease, politeness kept for
the site as a whole."""
