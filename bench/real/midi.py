"""A minimal Standard MIDI File writer: one track, times in seconds.

Ticks are 0.1 ms (10,000 per quarter note at a fixed 60 BPM), so any tempo, swing or
strum offset is placed to within 0.05 ms without tempo maps."""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["DRUM_CHANNEL", "Score"]

DRUM_CHANNEL = 9  # General MIDI channel 10: a program change there selects a drum kit
_TICKS_PER_QUARTER = 10_000
_MICROSECONDS_PER_QUARTER = 1_000_000  # 60 BPM: one tick is 0.1 ms


@dataclass
class Score:
    """Timed MIDI events; `write()` sorts them (note-offs before note-ons at a tick)."""

    events: list[tuple[int, int, bytes]] = field(default_factory=list)  # (tick, order, message)

    def program(self, time_s: float, channel: int, program: int, bank: int = 0) -> None:
        tick = _tick(time_s)
        self.events.append((tick, 0, bytes([0xB0 | channel, 0, bank >> 7])))      # bank select MSB
        self.events.append((tick, 0, bytes([0xB0 | channel, 32, bank & 0x7F])))  # bank select LSB
        self.events.append((tick, 1, bytes([0xC0 | channel, program])))

    def control(self, time_s: float, channel: int, controller: int, value: int) -> None:
        self.events.append((_tick(time_s), 1, bytes([0xB0 | channel, controller, value])))

    def note(self, time_s: float, duration_s: float, channel: int, pitch: int, velocity: int = 100) -> None:
        if not 0 <= pitch <= 127 or not 1 <= velocity <= 127:
            raise ValueError(f"pitch {pitch} / velocity {velocity} out of MIDI range")
        start = _tick(time_s)
        self.events.append((start, 2, bytes([0x90 | channel, pitch, velocity])))
        self.events.append((max(start + 1, _tick(time_s + duration_s)), 0, bytes([0x80 | channel, pitch, 0])))

    def all_off(self, time_s: float) -> None:
        """All sound off on every channel (ends ringing voices before the next item)."""
        for channel in range(16):
            self.events.append((_tick(time_s), 0, bytes([0xB0 | channel, 120, 0])))

    def write(self, path: Path, end_s: float) -> None:
        track = bytearray(b"\x00\xff\x51\x03" + _MICROSECONDS_PER_QUARTER.to_bytes(3, "big"))
        now = 0
        for tick, _, message in sorted(self.events, key=lambda e: (e[0], e[1])):
            track += _varlen(tick - now) + message
            now = tick
        track += _varlen(max(0, _tick(end_s) - now)) + b"\xff\x2f\x00"
        header = b"MThd" + struct.pack(">IHHH", 6, 0, 1, _TICKS_PER_QUARTER)
        path.write_bytes(header + b"MTrk" + struct.pack(">I", len(track)) + bytes(track))


def _tick(seconds: float) -> int:
    return max(0, round(seconds * _TICKS_PER_QUARTER * 1_000_000 / _MICROSECONDS_PER_QUARTER))


def _varlen(value: int) -> bytes:
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    return bytes(reversed(out))
