"""QR codes as inline SVG (segno, pure Python; error correction M so a worn slip still scans)."""

import segno


def qr_svg(data: str) -> str:
    return segno.make(data, error="m").svg_inline(scale=3, border=2, omitsize=False)
