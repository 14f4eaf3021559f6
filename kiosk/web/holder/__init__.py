"""The holder blueprint: the holder controls their record with the recovery code."""
