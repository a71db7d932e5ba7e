"""The ``ice-ddor`` parser: ICE's 2017 Declined Detainer Outcome Report (``parser``) and
what Datasette shows of it (``publish``: sorts, queries, the weekly chart)."""
