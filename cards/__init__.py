"""The card's pure domain: model, value sets, codec, QR text and rendering. No I/O, no web."""
