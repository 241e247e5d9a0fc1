"""Watching the news: outlets' feeds and sitemaps polled on a schedule
(`feeds`, `polling`), their new stories fetched and extracted by the
sources' jobs and then spotted for check-worthy sentences (`news`), by the
worker (`tasks`) or inline (`manage.py poll_outlets --sync`)."""
