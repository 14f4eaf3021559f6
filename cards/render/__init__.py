"""Renderers: a QR symbol or a laid-out card -> PNG, PDF or ESC/POS bytes."""
