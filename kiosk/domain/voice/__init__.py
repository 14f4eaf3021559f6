"""The kiosk's voice: spoken messages synthesised by espeak-ng or recorded by a centre,
encoded once into content-addressed Ogg Vorbis files and listed in an index the web reads.
"""
