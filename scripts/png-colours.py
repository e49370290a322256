#!/usr/bin/env python3
"""Count the pixels of given colours in a PNG's top rows, with the standard library only.

    scripts/png-colours.py FILE ROWS RRGGBB [RRGGBB ...]

Prints JSON: {"width": W, "height": H, "rows": ROWS, "counts": {"RRGGBB": n, ...}}. Used by the
report-page test to see, in what a real browser rendered, the verdict banner's colour. Reads
8-bit RGB/RGBA, non-interlaced PNGs (what Chromium's screenshots are)."""
import json, struct, sys, zlib

def pixels(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit(f"{path}: not a PNG file")
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace:
        sys.exit(f"{path}: only 8-bit RGB/RGBA non-interlaced PNGs are read (depth {depth}, colour type {colour})")
    step = 3 if colour == 2 else 4
    raw, stride, rows, previous = zlib.decompress(idat), width * step, [], bytearray(width * step)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - step] if x >= step else 0
            b = previous[x]
            c = previous[x - step] if x >= step else 0
            if kind == 1: line[x] = (line[x] + a) & 255
            elif kind == 2: line[x] = (line[x] + b) & 255
            elif kind == 3: line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        previous = line
    return width, height, step, rows

if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    path, top, wanted = sys.argv[1], int(sys.argv[2]), [c.lower() for c in sys.argv[3:]]
    width, height, step, rows = pixels(path)
    counts = {c: 0 for c in wanted}
    for line in rows[:top]:
        for x in range(0, len(line), step):
            key = "%02x%02x%02x" % (line[x], line[x + 1], line[x + 2])
            if key in counts:
                counts[key] += 1
    print(json.dumps({"width": width, "height": height, "rows": min(top, height), "counts": counts}))
