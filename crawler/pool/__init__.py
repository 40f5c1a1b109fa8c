"""Work off the reactor: page extraction in worker processes (`ExtractionPool`), and the way a
Scrapy callback or pipeline awaits a `concurrent.futures.Future` (`result_of`)."""

from crawler.pool.awaiting import result_of
from crawler.pool.extraction import ExtractionPool, pool_size

__all__ = ["ExtractionPool", "pool_size", "result_of"]
