"""Watching the news: outlets polled, sentences spotted, repeats of checked claims found."""
