"""Spiders. Every registry site is a spider of the generic `NewsSpider` class (see
crawler/spider_loader.py); a module here only for a site whose needs data cannot express."""
