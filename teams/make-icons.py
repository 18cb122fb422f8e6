#!/usr/bin/env python3
"""Draws the Teams app icons (no image library needed): color.png 192x192 and outline.png 32x32.

color: white "people in a circle" mark on the accent colour; outline: the same mark in white
on a transparent background, as Teams requires. Run: python3 teams/make-icons.py
"""
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ACCENT = (0x1F, 0x6F, 0xB2, 255)
WHITE = (255, 255, 255, 255)
CLEAR = (0, 0, 0, 0)


def png(path, size, pixel):
    rows = b"".join(b"\x00" + b"".join(bytes(pixel(x, y, size)) for x in range(size)) for y in range(size))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)) \
        + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(data)


def mark(x, y, size):
    """Three heads on a ring: a small team around one customer."""
    cx = cy = (size - 1) / 2
    u = size / 32
    dx, dy = x - cx, y - cy
    r2 = dx * dx + dy * dy
    ring = (11 * u) ** 2 <= r2 <= (13 * u) ** 2
    heads = any((x - (cx + hx * u)) ** 2 + (y - (cy + hy * u)) ** 2 <= (3.2 * u) ** 2
                for hx, hy in ((0, -6.5), (-5.6, 3.3), (5.6, 3.3)))
    centre = r2 <= (2.2 * u) ** 2
    return ring or heads or centre


def color(x, y, size):
    return WHITE if mark(x, y, size) else ACCENT


def outline(x, y, size):
    return WHITE if mark(x, y, size) else CLEAR


if __name__ == "__main__":
    png(os.path.join(HERE, "manifest", "color.png"), 192, color)
    png(os.path.join(HERE, "manifest", "outline.png"), 32, outline)
    print("wrote teams/manifest/color.png (192x192) and teams/manifest/outline.png (32x32)")
