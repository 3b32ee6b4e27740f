"""A labelled corpus of real recordings built from Debian packages (drum kits,
instrument samples and General MIDI SoundFonts), for `python -m bench.accuracy` and
the model training scripts. The truth of every file comes from how it was made (a
kit's file name, a GM drum note or program, the notes and tempo rendered), never
from an analyser."""
