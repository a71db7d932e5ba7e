"""Report templates: the engine (``engine``, ``spec``, ``layout``, ``generic``, ``draft``)
beside the TOML templates shipped with the package (``*.toml`` in this folder).

A newsroom's own templates live in folders it names (``[settings] templates``); the engine
reads those the same way. ``README.md`` here is the template author's guide.
"""
