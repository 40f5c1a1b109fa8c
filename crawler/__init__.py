"""tinbao's Scrapy project: the site registry, one generic spider, extraction and pipelines."""
