"""Services of the kiosk and console: keys, issuing, revocation, printing, audit."""
