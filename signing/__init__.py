"""Keys, card signatures, trust and revocation lists, and verification. No web, no storage."""
