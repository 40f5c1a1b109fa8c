"""Benchmarks for tinbao: extraction speed on real pages, end-to-end crawl of a replica site."""
