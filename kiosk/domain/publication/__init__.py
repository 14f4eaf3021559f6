"""The published trust and revocation lists: signed once per change, then served as bytes.

A revocation or a key change marks its session (`counters.mark_changed`); once that
session commits, `publisher.ListPublisher` writes each issuer's signed full list and
its recent deltas into one file under the instance folder (`bundle`), atomically.
Every web process reads those files back when their status changes (one `stat` per
request) and serves the same bytes with the same ETag on every route.
"""
