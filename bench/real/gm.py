"""General MIDI: the drum map and the programs, with the corpus's category for each.

Categories follow SampleMind's vocabulary (samplemind.CATEGORIES): a drum note or a
program that fits none cleanly maps to None and is left out of labelled sets."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DRUM_NOTES", "PROGRAMS", "Program", "drum_category", "program"]

# GM percussion key map (notes 35-81).
DRUM_NOTES: dict[int, str] = {
    35: "kick", 36: "kick", 37: "rim", 38: "snare", 39: "clap", 40: "snare",
    41: "tom", 42: "hihat_closed", 43: "tom", 44: "hihat_closed", 45: "tom", 46: "hihat_open",
    47: "tom", 48: "tom", 49: "cymbal_crash", 50: "tom", 51: "cymbal_ride", 52: "cymbal_crash",
    53: "cymbal_ride", 54: "percussion", 55: "cymbal_crash", 56: "percussion", 57: "cymbal_crash",
    58: "percussion", 59: "cymbal_ride",
    **{n: "percussion" for n in range(60, 71)},  # bongos, congas, timbales, agogo, cabasa, maracas
    **{n: "percussion" for n in range(73, 82)},  # guiro, claves, wood blocks, cuica, triangle
}
# 71/72 (whistles) are left out: neither a drum nor, musically, percussion.

# Distinct kits (bank 128): Standard, Room, Power, Electronic, TR-808, Jazz, Brush, Orchestra.
DRUM_KITS = (0, 8, 16, 24, 25, 32, 40, 48)


def drum_category(note: int) -> str | None:
    return DRUM_NOTES.get(note)


@dataclass(frozen=True)
class Program:
    number: int
    name: str
    category: str | None  # None: left out of the labelled sets
    low: int              # MIDI note range used for one-shots
    high: int
    pitched: bool         # one clear fundamental: four one-shots rendered (else two)

    @property
    def pitch_is_key(self) -> bool:
        """The key played is the pitch heard. Not so for GM's drawbar, percussive and
        rock organs, which pull a 16' (even 32') drawbar: their loudest partial sounds
        one or two octaves under the key."""
        return self.pitched and self.number not in (16, 17, 18)


def _p(number: int, name: str, category: str | None, low: int, high: int, pitched: bool = True) -> Program:
    return Program(number, name, category, low, high, pitched)


PROGRAMS: tuple[Program, ...] = (
    _p(0, "acoustic grand piano", "keys", 33, 96), _p(1, "bright piano", "keys", 33, 96),
    _p(2, "electric grand piano", "keys", 33, 96), _p(3, "honky-tonk piano", "keys", 36, 84, False),
    _p(4, "electric piano 1", "keys", 36, 84), _p(5, "electric piano 2", "keys", 36, 84),
    _p(6, "harpsichord", "keys", 36, 84), _p(7, "clavinet", "keys", 36, 84),
    _p(8, "celesta", "mallet", 60, 96), _p(9, "glockenspiel", "mallet", 72, 100),
    _p(10, "music box", "mallet", 60, 96), _p(11, "vibraphone", "mallet", 53, 89),
    _p(12, "marimba", "mallet", 45, 96), _p(13, "xylophone", "mallet", 65, 96),
    _p(14, "tubular bells", "mallet", 60, 77, False), _p(15, "dulcimer", "mallet", 48, 84),
    _p(16, "drawbar organ", "keys", 36, 84), _p(17, "percussive organ", "keys", 36, 84),
    _p(18, "rock organ", "keys", 36, 84), _p(19, "church organ", "keys", 36, 84),
    _p(20, "reed organ", "keys", 36, 84), _p(21, "accordion", "keys", 48, 84),
    _p(22, "harmonica", "woodwind", 60, 84), _p(23, "tango accordion", "keys", 48, 84),
    _p(24, "nylon guitar", "guitar", 40, 76), _p(25, "steel guitar", "guitar", 40, 76),
    _p(26, "jazz guitar", "guitar", 40, 76), _p(27, "clean electric guitar", "guitar", 40, 76),
    _p(28, "muted guitar", "guitar", 40, 72), _p(29, "overdriven guitar", "guitar", 40, 76),
    _p(30, "distortion guitar", "guitar", 40, 76), _p(31, "guitar harmonics", "guitar", 52, 76, False),
    _p(32, "acoustic bass", "bass", 28, 55), _p(33, "finger bass", "bass", 28, 55),
    _p(34, "picked bass", "bass", 28, 55), _p(35, "fretless bass", "bass", 28, 55),
    _p(36, "slap bass 1", "bass", 28, 55), _p(37, "slap bass 2", "bass", 28, 55),
    _p(38, "synth bass 1", "bass", 24, 55), _p(39, "synth bass 2", "bass", 24, 55),
    _p(40, "violin", "strings", 55, 88), _p(41, "viola", "strings", 48, 76),
    _p(42, "cello", "strings", 36, 67), _p(43, "contrabass", "strings", 28, 50),
    _p(44, "tremolo strings", "strings", 40, 76), _p(45, "pizzicato strings", "strings", 40, 76),
    _p(46, "harp", "strings", 36, 84), _p(47, "timpani", "percussion", 40, 55, False),
    _p(48, "string ensemble 1", "strings", 40, 80), _p(49, "string ensemble 2", "strings", 40, 80),
    _p(50, "synth strings 1", "strings", 40, 80), _p(51, "synth strings 2", "strings", 40, 80),
    _p(52, "choir aahs", "vocal", 48, 76), _p(53, "voice oohs", "vocal", 48, 76),
    _p(54, "synth voice", "vocal", 48, 76), _p(55, "orchestra hit", None, 48, 72, False),
    _p(56, "trumpet", "brass", 55, 82), _p(57, "trombone", "brass", 40, 70),
    _p(58, "tuba", "brass", 28, 55), _p(59, "muted trumpet", "brass", 55, 82),
    _p(60, "french horn", "brass", 41, 72), _p(61, "brass section", "brass", 41, 76),
    _p(62, "synth brass 1", "brass", 41, 76), _p(63, "synth brass 2", "brass", 41, 76),
    _p(64, "soprano sax", "woodwind", 56, 87), _p(65, "alto sax", "woodwind", 49, 80),
    _p(66, "tenor sax", "woodwind", 44, 75), _p(67, "baritone sax", "woodwind", 36, 68),
    _p(68, "oboe", "woodwind", 58, 88), _p(69, "english horn", "woodwind", 52, 77),
    _p(70, "bassoon", "woodwind", 34, 65), _p(71, "clarinet", "woodwind", 50, 86),
    _p(72, "piccolo", "woodwind", 74, 100), _p(73, "flute", "woodwind", 60, 93),
    _p(74, "recorder", "woodwind", 60, 86), _p(75, "pan flute", "woodwind", 60, 86),
    _p(76, "blown bottle", "woodwind", 60, 84), _p(77, "shakuhachi", "woodwind", 55, 84),
    _p(78, "whistle", "woodwind", 72, 96), _p(79, "ocarina", "woodwind", 60, 86),
    _p(80, "square lead", "synth_lead", 48, 84), _p(81, "saw lead", "synth_lead", 48, 84),
    _p(82, "calliope lead", "synth_lead", 48, 84), _p(83, "chiff lead", "synth_lead", 48, 84),
    _p(84, "charang lead", "synth_lead", 48, 84), _p(85, "voice lead", "synth_lead", 48, 84),
    _p(86, "fifths lead", "synth_lead", 48, 84, False), _p(87, "bass and lead", "synth_lead", 40, 76, False),
    _p(88, "new age pad", "pad", 48, 72, False), _p(89, "warm pad", "pad", 48, 72, False),
    _p(90, "polysynth pad", "pad", 48, 72, False), _p(91, "choir pad", "pad", 48, 72, False),
    _p(92, "bowed pad", "pad", 48, 72, False), _p(93, "metallic pad", "pad", 48, 72, False),
    _p(94, "halo pad", "pad", 48, 72, False), _p(95, "sweep pad", "pad", 48, 72, False),
    _p(96, "rain", "fx", 48, 72, False), _p(97, "soundtrack", "pad", 48, 72, False),
    _p(98, "crystal", "mallet", 60, 84, False), _p(99, "atmosphere", "pad", 48, 72, False),
    _p(100, "brightness", "pad", 48, 72, False), _p(101, "goblins", "fx", 48, 72, False),
    _p(102, "echoes", "pad", 48, 72, False), _p(103, "sci-fi", "fx", 48, 72, False),
    _p(104, "sitar", "guitar", 48, 76, False), _p(105, "banjo", "guitar", 48, 76),
    _p(106, "shamisen", "guitar", 48, 76), _p(107, "koto", "guitar", 48, 84),
    _p(108, "kalimba", "mallet", 60, 84), _p(109, "bagpipe", "woodwind", 60, 77, False),
    _p(110, "fiddle", "strings", 55, 88), _p(111, "shanai", "woodwind", 60, 84),
    _p(112, "tinkle bell", "mallet", 72, 96, False), _p(113, "agogo", "percussion", 60, 80, False),
    _p(114, "steel drums", "mallet", 55, 84, False), _p(115, "woodblock", "percussion", 60, 80, False),
    _p(116, "taiko drum", "tom", 36, 60, False), _p(117, "melodic tom", "tom", 40, 64, False),
    _p(118, "synth drum", "tom", 40, 64, False), _p(119, "reverse cymbal", "fx", 60, 72, False),
    _p(120, "guitar fret noise", "fx", 60, 72, False), _p(121, "breath noise", "fx", 60, 72, False),
    _p(122, "seashore", "fx", 60, 72, False), _p(123, "bird tweet", "fx", 60, 72, False),
    _p(124, "telephone ring", "fx", 60, 72, False), _p(125, "helicopter", "fx", 60, 72, False),
    _p(126, "applause", "fx", 60, 72, False), _p(127, "gunshot", "fx", 60, 72, False),
)
assert [p.number for p in PROGRAMS] == list(range(128))


def program(number: int) -> Program:
    return PROGRAMS[number]
