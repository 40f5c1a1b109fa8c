"""tinbao's versions of Scrapy commands (COMMANDS_MODULE): `scrapy crawl` with tinbao's exit
statuses (crawler/outcome.py), one-line errors and a summary line."""
