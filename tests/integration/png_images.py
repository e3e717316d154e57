"""Tiny PNGs for the integration scripts, standard library only (imported from the scripts beside it)."""
import struct
import zlib


def png_gray(width, height, pixel):
    """A minimal 8-bit grayscale PNG; pixel(row, column) gives each value in 0..255."""
    raw = b"".join(b"\x00" + bytes(pixel(r, c) for c in range(width)) for r in range(height))

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
